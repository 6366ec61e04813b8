"""Spans as plain objects, and one request's hops (gateway, route, view, response)."""
import os
import sys
import time
import traceback

from ._ids import new_span_id, new_trace_id, parse_request_start, parse_traceparent

# Attribute keys, as shared/src/semconv.ts defines them (test/flask/semconv-keys.test.ts checks that it does).
HOP = "hopscope.hop"
WORKER = "hopscope.worker"
QUEUE_MS = "hopscope.queue_ms"
METHOD = "http.request.method"
PATH = "url.path"
ROUTE = "http.route"
STATUS = "http.response.status_code"
ERROR_TYPE = "error.type"
EXCEPTION_TYPE = "exception.type"
EXCEPTION_MESSAGE = "exception.message"
EXCEPTION_STACKTRACE = "exception.stacktrace"
SERVICE_NAME = "service.name"
PROCESS_PID = "process.pid"
EVENT_EXCEPTION = "exception"

# Every key this package writes on a span, an event or the resource; a key missing here fails the tests.
ATTRIBUTE_KEYS = (HOP, WORKER, QUEUE_MS, METHOD, PATH, ROUTE, STATUS, ERROR_TYPE, EXCEPTION_TYPE, EXCEPTION_MESSAGE, EXCEPTION_STACKTRACE, SERVICE_NAME, PROCESS_PID)

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

    def fail(self, error_type):
        """Status ERROR with `error.type`, as the HTTP semantic conventions ask of a failed request."""
        self.error = True
        self.attributes[ERROR_TYPE] = error_type

    def record_exception(self, exc):
        """An `exception` event (type, message, stack) and status ERROR, like the OTel SDKs' record_exception."""
        self.fail(type(exc).__qualname__)
        self.events.append(
            {
                "name": EVENT_EXCEPTION,
                "time_ns": time.time_ns(),
                "attributes": {
                    EXCEPTION_TYPE: type(exc).__qualname__,
                    EXCEPTION_MESSAGE: str(exc),
                    EXCEPTION_STACKTRACE: "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
                },
            }
        )


def is_http_answer(exc):
    """A werkzeug HTTPException below 500 (NotFound, MethodNotAllowed, a routing redirect) is how
    Flask answers a client, not a failure: the HTTP semantic conventions leave a server span's
    status unset for 4xx. Looked up in sys.modules so that plain WSGI apps never import werkzeug."""
    exceptions = sys.modules.get("werkzeug.exceptions")
    if exceptions is None or not isinstance(exc, exceptions.HTTPException):
        return False
    code = getattr(exc, "code", None)
    return isinstance(code, int) and code < 500


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
