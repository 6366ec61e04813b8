"""Spans as plain objects, and one request's hops (gateway, route, view, response)."""
import os
import sys
import threading
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
# The event loop (hopscope_asgi): how long a hop's own code held the loop, how long a request waited
# for a loop someone else held, and where a view ran (the loop's thread or a worker thread).
LOOP_BLOCKED_MS = "hopscope.loop_blocked_ms"
LOOP_WAIT_MS = "hopscope.loop_wait_ms"
EXECUTOR = "hopscope.executor"
THREAD_ID = "thread.id"
THREAD_NAME = "thread.name"
# Calls a request makes (CLIENT spans, _calls.py): the database and HTTP client semantic conventions.
DB_SYSTEM_NAME = "db.system.name"
DB_SYSTEM = "db.system"  # the pre-1.30 key, still what many backends read
DB_QUERY_TEXT = "db.query.text"
DB_OPERATION_NAME = "db.operation.name"
DB_COLLECTION_NAME = "db.collection.name"
DB_NAMESPACE = "db.namespace"
SERVER_ADDRESS = "server.address"
SERVER_PORT = "server.port"
URL_FULL = "url.full"
# Calls past the per-request bound, not recorded (on the view span, else the gateway's).
CALLS_DROPPED = "hopscope.calls_dropped"

# Every key this package writes on a span, an event or the resource; a key missing here fails the tests.
ATTRIBUTE_KEYS = (
    HOP,
    WORKER,
    QUEUE_MS,
    METHOD,
    PATH,
    ROUTE,
    STATUS,
    ERROR_TYPE,
    EXCEPTION_TYPE,
    EXCEPTION_MESSAGE,
    EXCEPTION_STACKTRACE,
    SERVICE_NAME,
    PROCESS_PID,
    LOOP_BLOCKED_MS,
    LOOP_WAIT_MS,
    EXECUTOR,
    THREAD_ID,
    THREAD_NAME,
    DB_SYSTEM_NAME,
    DB_SYSTEM,
    DB_QUERY_TEXT,
    DB_OPERATION_NAME,
    DB_COLLECTION_NAME,
    DB_NAMESPACE,
    SERVER_ADDRESS,
    SERVER_PORT,
    URL_FULL,
    CALLS_DROPPED,
)

KIND_INTERNAL = 1
KIND_SERVER = 2
KIND_CLIENT = 3


class Span:
    __slots__ = ("trace_id", "span_id", "parent_id", "name", "kind", "start_ns", "end_ns", "attributes", "events", "error", "exception_id")

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
        # Which exception record_exception recorded (its id: the object itself would keep its frames alive until export).
        self.exception_id = None

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
        self.exception_id = id(exc)
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


# What frameworks raise to answer a client with a 4xx (NotFound, MethodNotAllowed, a routing
# redirect, FastAPI's HTTPException(404), Django's Http404): an answer, not a failure, as the HTTP
# semantic conventions leave a server span's status unset for 4xx. Looked up in sys.modules, so
# that an app never imports a framework it does not use.
_HTTP_EXCEPTIONS = (("werkzeug.exceptions", "HTTPException", "code"), ("starlette.exceptions", "HTTPException", "status_code"))
# Django turns these into 404, 403 and 400 answers (django.core.handlers.exception).
_DJANGO_ANSWERS = (("django.http", "Http404"), ("django.core.exceptions", "PermissionDenied"), ("django.core.exceptions", "SuspiciousOperation"), ("django.core.exceptions", "BadRequest"))


def is_http_answer(exc):
    """True for a framework's exception that stands for a 4xx answer (see above)."""
    for module_name, class_name, code_attribute in _HTTP_EXCEPTIONS:
        cls = getattr(sys.modules.get(module_name), class_name, None)
        if cls is not None and isinstance(exc, cls):
            code = getattr(exc, code_attribute, None)
            return isinstance(code, int) and code < 500
    for module_name, class_name in _DJANGO_ANSWERS:
        cls = getattr(sys.modules.get(module_name), class_name, None)
        if cls is not None and isinstance(exc, cls):
            return True
    return False


class RequestHops:
    """The spans of one request inside the app, children of the proxy's CLIENT span."""

    def __init__(self, method, path, traceparent=None, request_start=None, tracestate=None):
        joined = parse_traceparent(traceparent)
        started = parse_request_start(request_start)
        trace_id, parent_id = joined if joined else (new_trace_id(), None)
        self.gateway = Span("%s %s" % (method, path), trace_id, parent_id, KIND_SERVER, hop="gateway")
        # A WSGI request runs on one thread from start to end: the dashboard draws a lane per thread,
        # so Werkzeug's threaded server shows its threads sharing one process (and its GIL).
        self.gateway.attributes[THREAD_ID] = threading.get_ident()
        self.gateway.attributes[THREAD_NAME] = threading.current_thread().name
        self.gateway.attributes[METHOD] = method
        self.gateway.attributes[PATH] = path
        if started is not None:
            self.gateway.attributes[QUEUE_MS] = max(0.0, (self.gateway.start_ns / 1e9 - started) * 1000)
        self.route = None
        self.view = None
        self.response = None
        # Outgoing calls (_calls.py): off unless the middleware turns them on; the caller's
        # tracestate goes on with the trace (W3C trace context) only when we joined its trace.
        self.record_calls = False
        self.calls = []
        self.calls_dropped = 0
        self.tracestate = tracestate if joined and tracestate and len(tracestate) <= 512 else None

    @classmethod
    def from_environ(cls, environ):
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/") or "/"
        return cls(method, path, environ.get("HTTP_TRACEPARENT"), environ.get("HTTP_X_REQUEST_START"), environ.get("HTTP_TRACESTATE"))

    def routed(self, route):
        """The route matched: `http.route` on the route and gateway spans, and the gateway named after it."""
        if self.route is not None:
            self.route.attributes[ROUTE] = route
        self.gateway.attributes[ROUTE] = route
        self.gateway.name = "%s %s" % (self.gateway.attributes.get(METHOD, "GET"), route)

    def child(self, hop, name, start_ns=None):
        return Span(name, self.gateway.trace_id, self.gateway.span_id, start_ns=start_ns, hop=hop)

    def spans(self):
        return [s for s in (self.gateway, self.route, self.view, self.response) if s is not None] + self.calls

    def record_escaped(self, exc):
        """An exception that left the app: recorded on the gateway, unless it is a 4xx answer, or the
        view's own exception, recorded there already (the gateway then only says that it failed)."""
        if is_http_answer(exc):
            return
        view = self.view
        if view is not None and view.error and view.exception_id == id(exc):
            self.gateway.fail(view.attributes[ERROR_TYPE])
        else:
            self.gateway.record_exception(exc)

    def finish(self, now_ns=None):
        """Ends every hop still open and returns the spans. A 5xx is the server's failure (HTTP
        semantic conventions): `error.type` names the view's exception if one was raised."""
        now = now_ns if now_ns is not None else time.time_ns()
        status = self.gateway.attributes.get(STATUS)
        if isinstance(status, int) and status >= 500 and not self.gateway.error:
            failed = self.view if self.view is not None and self.view.error else None
            self.gateway.fail(failed.attributes[ERROR_TYPE] if failed is not None else str(status))
        if self.response is None and self.view is not None:
            self.response = self.child("response", "response", start_ns=self.view.end_ns)
        for span in (self.route, self.view, self.response, self.gateway, *self.calls):
            if span is not None:
                span.end(now)
        if self.calls_dropped:
            (self.view or self.gateway).attributes[CALLS_DROPPED] = self.calls_dropped
        return self.spans()

    def server_timing(self):
        """Durations known when the headers leave: lets a proxy-only setup see the app hops."""
        now = time.time_ns()
        parts = ["gateway;dur=%.2f" % self.gateway.duration_ms(now)]
        for span in (self.route, self.view):
            if span is not None:
                parts.append("%s;dur=%.2f" % (span.attributes[HOP], span.duration_ms(now)))
        return ", ".join(parts)
