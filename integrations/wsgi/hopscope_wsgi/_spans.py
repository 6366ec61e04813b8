"""Spans as plain objects, and one request's hops (gateway, route, view, response)."""
import os
import time
import traceback

from ._ids import new_span_id, new_trace_id, parse_request_start, parse_traceparent

# Attribute keys, as shared/src/semconv.ts defines them.
HOP = "hopscope.hop"
WORKER = "hopscope.worker"
QUEUE_MS = "hopscope.queue_ms"
METHOD = "http.request.method"
PATH = "url.path"
ROUTE = "http.route"
STATUS = "http.response.status_code"

KIND_INTERNAL = 1
KIND_SERVER = 2


class Span:
    __slots__ = ("trace_id", "span_id", "parent_id", "name", "kind", "start_ns", "end_ns", "attributes", "events", "error")

    def __init__(self, name, trace_id, parent_id, kind=KIND_INTERNAL, start_ns=None, hop=None):
        self.trace_id = trace_id
        self.span_id = new_span_id()
        self.parent_id = parent_id
        self.name = name
        self.kind = kind
        self.start_ns = start_ns if start_ns is not None else time.time_ns()
        self.end_ns = None
        self.attributes = {WORKER: str(os.getpid())}
        if hop:
            self.attributes[HOP] = hop
        self.events = []
        self.error = False

    def end(self, end_ns=None):
        if self.end_ns is None:
            self.end_ns = end_ns if end_ns is not None else time.time_ns()

    def duration_ms(self, now_ns=None):
        end = self.end_ns if self.end_ns is not None else (now_ns or time.time_ns())
        return (end - self.start_ns) / 1e6

    def record_exception(self, exc):
        self.error = True
        self.events.append(
            {
                "name": "exception",
                "time_ns": time.time_ns(),
                "attributes": {
                    "exception.type": type(exc).__name__,
                    "exception.message": str(exc),
                    "exception.stacktrace": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
                },
            }
        )


class RequestHops:
    """The spans of one request inside the app, children of the proxy's CLIENT span."""

    def __init__(self, environ):
        joined = parse_traceparent(environ.get("HTTP_TRACEPARENT"))
        request_start = parse_request_start(environ.get("HTTP_X_REQUEST_START"))
        trace_id, parent_id = joined if joined else (new_trace_id(), None)
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/") or "/"
        self.gateway = Span("%s %s" % (method, path), trace_id, parent_id, KIND_SERVER, hop="gateway")
        self.gateway.attributes[METHOD] = method
        self.gateway.attributes[PATH] = path
        if request_start is not None:
            self.gateway.attributes[QUEUE_MS] = max(0.0, (self.gateway.start_ns / 1e9 - request_start) * 1000)
        self.route = None
        self.view = None
        self.response = None

    def child(self, hop, name, start_ns=None):
        return Span(name, self.gateway.trace_id, self.gateway.span_id, start_ns=start_ns, hop=hop)

    def spans(self):
        return [s for s in (self.gateway, self.route, self.view, self.response) if s is not None]

    def server_timing(self):
        """Durations known when the headers leave: lets a proxy-only setup see the app hops."""
        now = time.time_ns()
        parts = ["gateway;dur=%.2f" % self.gateway.duration_ms(now)]
        for span in (self.route, self.view):
            if span is not None:
                parts.append("%s;dur=%.2f" % (span.attributes[HOP], span.duration_ms(now)))
        return ", ".join(parts)
