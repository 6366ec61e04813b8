"""OTLP/HTTP JSON export from a background thread with a bounded queue.

Fork-safe: the queue and the thread belong to the process that made them. A
Gunicorn worker (forked from the master, with or without --preload) gets a
fresh queue and starts its own thread on its first span, so no span waits
for a thread that only exists in the parent.
"""
import json
import os
import re
import sys
import threading
import time
import urllib.parse
import urllib.request

MAX_QUEUE = 2048
BATCH = 256
FLUSH_SECONDS = 0.1
TIMEOUT_SECONDS = 2.0


# Telemetry goes straight to the collector: an HTTP(S)_PROXY meant for the app's own outbound calls must not apply.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _endpoint():
    traces = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    if traces:
        return traces
    base = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    return base.rstrip("/") + "/v1/traces"


# RFC 9110 token: what a header name may be.
_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


def _headers():
    """Extra request headers from OTEL_EXPORTER_OTLP_HEADERS, then OTEL_EXPORTER_OTLP_TRACES_HEADERS
    (which wins per name), as the OTel spec defines them: `name=value,name2=value2`, W3C
    Baggage style, values percent-decoded. E.g. authorization=Bearer%20TOKEN for a hub with a token.
    Malformed pairs are skipped, never sent."""
    headers = {}
    for variable in ("OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"):
        for item in os.environ.get(variable, "").split(","):
            name, sep, value = item.partition("=")
            name = urllib.parse.unquote(name).strip()
            value = urllib.parse.unquote(value).strip()
            if not sep or not _HEADER_NAME.match(name) or any(c in value for c in "\r\n\0"):
                continue
            headers[name.lower()] = value
    headers.pop("content-type", None)
    return headers


class Exporter:
    def __init__(self, service_name):
        self.service_name = service_name
        self.dropped = 0
        self.exported = 0
        self._last_warning = 0.0
        self._reset()

    def _reset(self):
        self._pid = os.getpid()
        self._queue = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread = None

    def enabled(self):
        return os.environ.get("HOPSCOPE_EXPORT", "on").lower() not in ("off", "0", "false", "no")

    def enqueue(self, spans):
        """Never blocks and never raises: a full queue drops the spans and counts them."""
        try:
            if not self.enabled():
                return
            if self._pid != os.getpid():
                self._reset()
            with self._lock:
                room = MAX_QUEUE - len(self._queue)
                self._queue.extend(spans[:room])
                self.dropped += max(0, len(spans) - room)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="hopscope-exporter", daemon=True)
                self._thread.start()
        except Exception:
            self.dropped += len(spans)

    def _run(self):
        while True:
            self._wake.wait(FLUSH_SECONDS)
            with self._lock:
                batch, self._queue = self._queue[:BATCH], self._queue[BATCH:]
            if batch:
                self._send(batch)

    def _send(self, batch):
        body = json.dumps(self._export_request(batch)).encode("utf-8")
        headers = _headers()
        headers["Content-Type"] = "application/json"
        request = urllib.request.Request(_endpoint(), data=body, method="POST", headers=headers)
        try:
            with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
                response.read()
            self.exported += len(batch)
        except Exception as exc:
            # The hub is down or slow: the request already went on; the spans are dropped and counted.
            self.dropped += len(batch)
            self._warn(exc)

    def _warn(self, exc):
        """Says how many spans were lost, at most every 5 seconds per process."""
        now = time.monotonic()
        if now - self._last_warning < 5:
            return
        self._last_warning = now
        sys.stderr.write("hopscope_wsgi[%d]: cannot export spans to %s (%s); %d spans dropped so far\n" % (os.getpid(), _endpoint(), exc, self.dropped))
        sys.stderr.flush()

    def _export_request(self, spans):
        resource = {"service.name": os.environ.get("OTEL_SERVICE_NAME", self.service_name), "process.pid": os.getpid()}
        return {
            "resourceSpans": [
                {
                    "resource": {"attributes": _key_values(resource)},
                    "scopeSpans": [{"scope": {"name": "hopscope_wsgi"}, "spans": [_span_json(s) for s in spans]}],
                }
            ]
        }


def _span_json(span):
    data = {
        "traceId": span.trace_id,
        "spanId": span.span_id,
        "name": span.name,
        "kind": span.kind,
        "startTimeUnixNano": str(span.start_ns),
        "endTimeUnixNano": str(span.end_ns or time.time_ns()),
        "attributes": _key_values(span.attributes),
        "events": [{"name": e["name"], "timeUnixNano": str(e["time_ns"]), "attributes": _key_values(e["attributes"])} for e in span.events],
        "status": {"code": 2 if span.error else 0},
    }
    if span.parent_id:
        data["parentSpanId"] = span.parent_id
    return data


def _key_values(attributes):
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
