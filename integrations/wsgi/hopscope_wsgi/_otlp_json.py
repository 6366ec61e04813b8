"""Spans as an OTLP/HTTP JSON ExportTraceServiceRequest (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding):
hex ids, numeric enums, 64-bit integers as strings."""
import time

SCOPE = "hopscope_wsgi"
STATUS_UNSET = 0
STATUS_ERROR = 2


def export_request(resource, spans, scope=SCOPE):
    return {
        "resourceSpans": [
            {
                "resource": {"attributes": key_values(resource)},
                "scopeSpans": [{"scope": {"name": scope}, "spans": [span_json(s) for s in spans]}],
            }
        ]
    }


def span_json(span):
    data = {
        "traceId": span.trace_id,
        "spanId": span.span_id,
        "name": span.name,
        "kind": span.kind,
        "startTimeUnixNano": str(span.start_ns),
        "endTimeUnixNano": str(span.end_ns or time.time_ns()),
        "attributes": key_values(span.attributes),
        "events": [{"name": e["name"], "timeUnixNano": str(e["time_ns"]), "attributes": key_values(e["attributes"])} for e in span.events],
        "status": {"code": STATUS_ERROR if span.error else STATUS_UNSET},
    }
    if span.parent_id:
        data["parentSpanId"] = span.parent_id
    return data


def key_values(attributes):
    out = []
    for key, value in attributes.items():
        if isinstance(value, bool):
            out.append({"key": key, "value": {"boolValue": value}})
        elif isinstance(value, int):
            out.append({"key": key, "value": {"intValue": str(value)}})
        elif isinstance(value, float):
            out.append({"key": key, "value": {"doubleValue": value}})
        else:
            out.append({"key": key, "value": {"stringValue": str(value)}})
    return out
