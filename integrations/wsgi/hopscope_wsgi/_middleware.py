"""The WSGI side: gateway and response hops for any WSGI app."""
import contextvars

from ._config import sdk_disabled
from ._spans import STATUS, RequestHops

CURRENT = contextvars.ContextVar("hopscope_request", default=None)


class HopscopeMiddleware:
    """Wraps any WSGI app: the gateway hop (WSGI entry → response iterable
    closed) and the response hop (the app returned → body handed back), a
    Server-Timing header, and the spans exported when the request is done."""

    def __init__(self, app, exporter, record_calls=False):
        self.app = app
        self.exporter = exporter
        # OTEL_SDK_DISABLED=true: a pass-through, no spans and no Server-Timing header.
        self.disabled = sdk_disabled()
        self.record_calls = record_calls

    def __call__(self, environ, start_response):
        if self.disabled:
            return self.app(environ, start_response)
        try:
            hops = RequestHops.from_environ(environ)
            hops.record_calls = self.record_calls
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
        except BaseException as exc:
            CURRENT.reset(token)
            try:
                hops.record_escaped(exc)
            except Exception:  # the app's own exception is what goes on
                pass
            self._finish(hops)
            raise
        CURRENT.reset(token)
        return _ClosingIterable(result, lambda: self._finish(hops))

    def _finish(self, hops):
        try:
            self.exporter.enqueue(hops.finish())
        except Exception:  # telemetry never throws into the request path, nor hides the app's own exception
            pass


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
