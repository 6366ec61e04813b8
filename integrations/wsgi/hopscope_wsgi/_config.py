"""What the environment configures, read when needed: the standard OTEL_* variables
(https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/)
and HOPSCOPE_EXPORT."""
import os
import re
import urllib.parse

from ._spans import PROCESS_PID, SERVICE_NAME


def endpoint():
    traces = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    if traces:
        return traces
    base = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    return base.rstrip("/") + "/v1/traces"


# RFC 9110 token: what a header name may be.
_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


def headers():
    """Extra request headers from OTEL_EXPORTER_OTLP_HEADERS, then OTEL_EXPORTER_OTLP_TRACES_HEADERS
    (which wins per name), as the OTel spec defines them: `name=value,name2=value2`, W3C
    Baggage style, values percent-decoded. E.g. authorization=Bearer%20TOKEN for a hub with a token.
    Malformed pairs are skipped, never sent."""
    result = {}
    for variable in ("OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"):
        for item in os.environ.get(variable, "").split(","):
            name, sep, value = item.partition("=")
            name = urllib.parse.unquote(name).strip()
            value = urllib.parse.unquote(value).strip()
            if not sep or not _HEADER_NAME.match(name) or any(c in value for c in "\r\n\0"):
                continue
            result[name.lower()] = value
    result.pop("content-type", None)
    return result


def sdk_disabled():
    """OTEL_SDK_DISABLED: only "true" (any case) disables, as the OTel spec defines its booleans."""
    return os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true"


def export_enabled():
    return os.environ.get("HOPSCOPE_EXPORT", "on").lower() not in ("off", "0", "false", "no") and not sdk_disabled()


def resource_attributes():
    """OTEL_RESOURCE_ATTRIBUTES as the OTel spec defines it: `key=value,key2=value2` (W3C Baggage
    style, no properties), whitespace trimmed, values percent-decoded as UTF-8. Like the OTel
    Python SDK, a pair without '=' or with an empty key is skipped and the rest kept."""
    attributes = {}
    for item in os.environ.get("OTEL_RESOURCE_ATTRIBUTES", "").split(","):
        key, sep, value = item.partition("=")
        key = key.strip()
        if sep and key:
            attributes[key] = urllib.parse.unquote(value.strip())
    return attributes


def resource(service_name):
    """The environment describes the deployment, so it wins over the name given in code; OTEL_SERVICE_NAME
    wins over a service.name in OTEL_RESOURCE_ATTRIBUTES (OTel spec). The pid is always this process's."""
    result = {SERVICE_NAME: service_name}
    result.update(resource_attributes())
    if os.environ.get("OTEL_SERVICE_NAME"):
        result[SERVICE_NAME] = os.environ["OTEL_SERVICE_NAME"]
    result[PROCESS_PID] = os.getpid()
    return result
