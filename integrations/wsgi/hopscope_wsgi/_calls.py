"""Calls a request makes (database queries, outgoing HTTP) as CLIENT spans, children of the hop
they happen in (the view, usually). The hooks (_sqlite.py, _sqlalchemy.py, _http_client.py) are
installed once per process; each records only inside a request whose middleware turned calls on,
so code outside a request is never recorded: start-up, and the exporter, which sends from its own
thread or, under uWSGI without threads, after the request's context is gone.

Every entry point here swallows its own failures: telemetry never raises into the app."""
import contextvars
import os
import sys

from ._config import sdk_disabled
from ._middleware import CURRENT
from ._spans import KIND_CLIENT, Span

# A request that runs more calls than this keeps the first ones; the rest are counted
# (hopscope.calls_dropped on the view span), so a runaway loop cannot grow its trace without bound.
MAX_CALLS_PER_REQUEST = 1000

# The call in progress on this thread or task: a call made while another is recorded (SQLAlchemy
# driving sqlite3, a client library on top of http.client) is the same call, recorded once.
_ACTIVE = contextvars.ContextVar("hopscope_active_call", default=None)

_installed = False


def enabled_by_environment():
    """HOPSCOPE_RECORD_CALLS=0 (or off, false, no) turns call recording off; OTEL_SDK_DISABLED too."""
    return os.environ.get("HOPSCOPE_RECORD_CALLS", "1").strip().lower() not in ("0", "off", "false", "no") and not sdk_disabled()


def install():
    """Hooks sqlite3, http.client and, when it can be imported, SQLAlchemy (once per process)."""
    global _installed
    if _installed:
        return
    _installed = True
    from . import _http_client, _sqlalchemy, _sqlite

    for hook in (_sqlite.install, _http_client.install, _sqlalchemy.install):
        try:
            hook()
        except Exception as exc:  # one library's hook failing leaves the others working
            sys.stderr.write("hopscope_wsgi[%d]: cannot record calls through %s: %r\n" % (os.getpid(), hook.__module__, exc))


class CallSpan(Span):
    """A call's span, which knows its request and how to restore the call that was active before it."""

    __slots__ = ("request", "token")


def start(name):
    """A CLIENT span for a call starting now, or None when it is not to be recorded (no request,
    calls off, inside another recorded call, or past the per-request bound). Call finish() after."""
    try:
        hops = CURRENT.get()
        if hops is None or not hops.record_calls:
            return None
        active = _ACTIVE.get()
        # A worker thread keeps its context from one request to the next: only a call of this
        # request that is still running counts.
        if active is not None and active.request is hops and active.end_ns is None:
            return None
        if len(hops.calls) >= MAX_CALLS_PER_REQUEST:
            hops.calls_dropped += 1
            return None
        parent = _open_hop(hops)
        span = CallSpan(name, parent.trace_id, parent.span_id, KIND_CLIENT)
        span.request = hops
        hops.calls.append(span)
        span.token = _ACTIVE.set(span)
        return span
    except Exception:
        return None


def finish(span, error=None):
    """Ends a span start() returned; `error` (an exception) fails it with `error.type`."""
    if span is None:
        return
    try:
        if error is not None:
            span.fail(type(error).__qualname__)
        span.end()
        if _ACTIVE.get() is span:
            try:
                _ACTIVE.reset(span.token)
            except ValueError:  # ended in another context than it started in: just clear ours
                _ACTIVE.set(None)
        span.token = span.request = None
    except Exception:
        pass


def tracing_headers(span):
    """W3C trace context for a call's request: its span becomes the called service's parent."""
    hops = CURRENT.get()
    headers = [("traceparent", "00-%s-%s-01" % (span.trace_id, span.span_id))]
    if hops is not None and hops.tracestate:
        headers.append(("tracestate", hops.tracestate))
    return headers


def _open_hop(hops):
    """The innermost hop still running: the view while it runs, else the gateway."""
    for hop in (hops.view, hops.route):
        if hop is not None and hop.end_ns is None:
            return hop
    return hops.gateway
