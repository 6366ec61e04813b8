"""The WSGI side: gateway and response hops for any WSGI app."""
import contextvars
import time

from ._spans import STATUS, RequestHops

CURRENT = contextvars.ContextVar("hopscope_request", default=None)


class HopscopeMiddleware:
    """Wraps any WSGI app: the gateway hop (WSGI entry → response iterable
    closed) and the response hop (the app returned → body handed back), a
    Server-Timing header, and the spans exported when the request is done."""

    def __init__(self, app, exporter):
        self.app = app
        self.exporter = exporter

    def __call__(self, environ, start_response):
        try:
            hops = RequestHops(environ)
        except Exception:  # telemetry never breaks a request
            return self.app(environ, start_response)
        token = CURRENT.set(hops)

        def traced_start_response(status, headers, exc_info=None):
            try:
                hops.gateway.attributes[STATUS] = int(status.split(" ", 1)[0])
                if hops.response is None:
                    # The response hop starts when the view returned (Flask), else when the app answered.
                    hops.response = hops.child("response", "response", start_ns=hops.view.end_ns if hops.view is not None else None)
                headers = list(headers) + [("Server-Timing", hops.server_timing())]
            except Exception:
                pass
            return start_response(status, headers, exc_info)

        try:
            result = self.app(environ, traced_start_response)
        except BaseException:
            CURRENT.reset(token)
            self._finish(hops)
            raise
        CURRENT.reset(token)
        return _ClosingIterable(result, lambda: self._finish(hops))

    def _finish(self, hops):
        now = time.time_ns()
        if hops.response is None and hops.view is not None:
            hops.response = hops.child("response", "response", start_ns=hops.view.end_ns)
        if hops.response is not None:
            hops.response.end(now)
        hops.gateway.end(now)
        self.exporter.enqueue(hops.spans())


class _ClosingIterable:
    """Passes the body through and ends the hops when the server closes it (PEP 3333)."""

    def __init__(self, result, on_close):
        self._result = result
        self._on_close = on_close

    def __iter__(self):
        return iter(self._result)

    def close(self):
        try:
            close = getattr(self._result, "close", None)
            if close is not None:
                close()
        finally:
            self._on_close()
