"""The ASGI side: gateway and response hops for any ASGI app (https://asgi.readthedocs.io/en/latest/specs/www.html),
and the event loop's share of each request."""
from hopscope_wsgi._config import sdk_disabled
from hopscope_wsgi._middleware import CURRENT
from hopscope_wsgi._spans import LOOP_BLOCKED_MS, LOOP_WAIT_MS, STATUS, RequestHops

from . import _loop


class ASGIMiddleware:
    """Wraps any ASGI app: the gateway hop (the ASGI call → the app returned, after its last body
    message), the response hop (the view returned, or the response started → the last body message
    sent), a Server-Timing header, the time the request held the event loop and the time it waited
    for it, and the spans exported when the request is done. Lifespan and WebSocket pass through."""

    def __init__(self, app, exporter, record_calls=False):
        self.app = app
        self.exporter = exporter
        # OTEL_SDK_DISABLED=true: a pass-through, no spans and no Server-Timing header.
        self.disabled = sdk_disabled()
        self.record_calls = record_calls

    async def __call__(self, scope, receive, send):
        if self.disabled or scope.get("type") != "http":
            return await self.app(scope, receive, send)
        try:
            hops = _request_hops(scope)
            hops.record_calls = self.record_calls
            monitor = _loop.monitor()
            lag_at_start = monitor.lag_ms
            timer = _loop.StepTimer()
        except Exception:  # telemetry never breaks a request
            return await self.app(scope, receive, send)
        token = CURRENT.set(hops)

        async def traced_send(message):
            kind = message.get("type") if isinstance(message, dict) else None
            if kind == "http.response.start":
                message = _started(hops, message)
            await send(message)
            if kind == "http.response.body" and not message.get("more_body", False) and hops.response is not None:
                hops.response.end()

        try:
            await timer.run(self.app(scope, receive, traced_send))
        except BaseException as exc:
            if isinstance(exc, Exception):
                try:
                    hops.record_escaped(exc)
                except Exception:  # the app's own exception is what goes on
                    pass
            raise
        finally:
            CURRENT.reset(token)
            self._finish(hops, timer, monitor, lag_at_start)

    def _finish(self, hops, timer, monitor, lag_at_start):
        try:
            blocked = timer.blocked_ms
            if blocked > 0:
                hops.gateway.attributes[LOOP_BLOCKED_MS] = round(blocked, 2)
            # The lag this request sat through that its own code did not cause: someone else held the loop.
            waited = monitor.lag_ms - lag_at_start - blocked
            if waited >= _loop.LAG_FLOOR_MS:
                hops.gateway.attributes[LOOP_WAIT_MS] = round(waited, 2)
            self.exporter.enqueue(hops.finish())
        except Exception:  # telemetry never throws into the request path, nor hides the app's own exception
            pass


def _request_hops(scope):
    headers = {}
    for name, value in scope.get("headers") or ():
        name = name.decode("latin-1").lower()
        if name in ("traceparent", "tracestate", "x-request-start") and name not in headers:
            headers[name] = value.decode("latin-1")
    hops = RequestHops(scope.get("method", "GET"), scope.get("path", "/") or "/", headers.get("traceparent"), headers.get("x-request-start"), headers.get("tracestate"))
    # Routes under a Mount carry its prefix in root_path (Starlette): the part added inside the app belongs to the route.
    hops.root_path = scope.get("root_path", "")
    return hops


def _started(hops, message):
    """The response starts: the status, the end of URL matching (no route matched), the response
    hop, and the Server-Timing header. Returns the message to send (a copy when changed)."""
    try:
        hops.gateway.attributes[STATUS] = int(message["status"])
        if hops.route is not None and hops.route.end_ns is None:
            hops.route.end()
        if hops.response is None:
            # The response hop starts when the view returned, else when the app answered.
            hops.response = hops.child("response", "response", start_ns=hops.view.end_ns if hops.view is not None else None)
        headers = list(message.get("headers") or ())
        headers.append((b"server-timing", hops.server_timing().encode("latin-1")))
        return dict(message, headers=headers)
    except Exception:
        return message
