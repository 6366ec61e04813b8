"""W3C trace context: ids and the traceparent header (https://www.w3.org/TR/trace-context/)."""
import os
import re

_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$")


def new_trace_id():
    return os.urandom(16).hex()


def new_span_id():
    return os.urandom(8).hex()


def parse_traceparent(header):
    """Returns (trace_id, parent_span_id) or None; never raises on malformed input."""
    if not header or len(header) > 512:
        return None
    match = _TRACEPARENT.match(header.strip().lower())
    if not match:
        return None
    version, trace_id, parent_id, _flags, rest = match.groups()
    if version == "ff" or (version == "00" and rest is not None):
        return None
    if set(trace_id) == {"0"} or set(parent_id) == {"0"}:
        return None
    return trace_id, parent_id


def parse_request_start(header):
    """`X-Request-Start: t=<µs>` (also s, ms, ns by magnitude) → epoch seconds, or None."""
    if not header or len(header) > 64:
        return None
    text = header.strip()
    if text.startswith("t="):
        text = text[2:]
    try:
        value = float(text)
    except ValueError:
        return None
    for divisor in (1.0, 1e3, 1e6, 1e9):
        seconds = value / divisor
        if 978307200 <= seconds < 978307200 * 10:
            return seconds
    return None
