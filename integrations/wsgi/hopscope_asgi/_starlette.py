"""Starlette and FastAPI: the route hop (Starlette's URL matching, `http.route` in its syntax, e.g.
`/items/{item_id}`) and the view hop (the endpoint). Patched on the classes once, like Flask's,
so routes added before or after instrument() are traced alike."""
import inspect
import sys

from hopscope_wsgi._middleware import CURRENT

from ._views import name_of, traced_async, traced_sync

_patched = False


def instrument_starlette(app, wrap):
    """`wrap(asgi_app)` puts the gateway around the app's whole middleware stack (outside Starlette's
    ServerErrorMiddleware, which turns an exception into the 500 it sends, then re-raises it)."""
    _patch_routing()
    if "fastapi.routing" in sys.modules:
        _patch_fastapi_endpoints(sys.modules["fastapi.routing"])
    _trace_plain_routes(getattr(app, "routes", ()))
    build = app.build_middleware_stack
    app.build_middleware_stack = lambda: wrap(build())
    if getattr(app, "middleware_stack", None) is not None:
        app.middleware_stack = wrap(app.middleware_stack)


def _patch_routing():
    global _patched
    if _patched:
        return
    from starlette import routing

    router_call = routing.Router.__call__

    async def traced_router_call(self, scope, receive, send):
        hops = CURRENT.get()
        if hops is not None and hops.route is None and scope.get("type") == "http":
            hops.route = hops.child("route", "route")
        await router_call(self, scope, receive, send)

    route_handle = routing.Route.handle

    async def traced_route_handle(self, scope, receive, send):
        hops = CURRENT.get()
        if hops is not None and hops.route is not None and hops.route.end_ns is None:
            hops.route.end()
            try:
                mounted_at = scope.get("root_path", "")[len(getattr(hops, "root_path", "")) :]
                hops.routed(mounted_at + self.path)
            except Exception:
                pass
        await route_handle(self, scope, receive, send)

    request_response = routing.request_response

    def traced_request_response(func):
        return request_response(_traced_endpoint(func))

    routing.Router.__call__ = traced_router_call
    routing.Route.handle = traced_route_handle
    # Starlette's Route makes its ASGI app from the endpoint here, when the route is created.
    routing.request_response = traced_request_response
    routing._hopscope_request_response = request_response
    _patched = True


def _traced_endpoint(func):
    # FastAPI's request handler is not the view: its endpoint is, traced in run_endpoint_function.
    if getattr(func, "__module__", "").startswith("fastapi."):
        return func
    name = name_of(func)
    if inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(getattr(func, "__call__", None)):
        return traced_async(func, name)
    return traced_sync(func, name)


def _trace_plain_routes(routes):
    """Routes made before instrument(): Starlette's own (not FastAPI's) with a function endpoint
    get their ASGI app made again around the traced endpoint, unless something else wraps it."""
    from starlette import routing

    for route in routes:
        if isinstance(route, routing.Mount):
            _trace_plain_routes(getattr(route, "routes", ()))
            continue
        if type(route) is not routing.Route or getattr(route, "_hopscope_traced", False):
            continue
        endpoint = route.endpoint
        app_name = getattr(route.app, "__qualname__", "")
        if (inspect.isfunction(endpoint) or inspect.ismethod(endpoint)) and app_name.startswith("request_response."):
            route.app = routing._hopscope_request_response(_traced_endpoint(endpoint))
            route._hopscope_traced = True


def _patch_fastapi_endpoints(fastapi_routing):
    """FastAPI calls every endpoint through run_endpoint_function (after resolving its
    dependencies and validating the request, before serializing the answer): the view is that
    call. The endpoint is swapped for its traced stand-in on a view of the dependant, per call."""
    original = fastapi_routing.run_endpoint_function
    if getattr(original, "_hopscope", False):
        return

    async def run_endpoint_function(*, dependant, values, is_coroutine):
        call = getattr(dependant, "call", None)
        if CURRENT.get() is None or call is None:
            return await original(dependant=dependant, values=values, is_coroutine=is_coroutine)
        traced = (traced_async if is_coroutine else traced_sync)(call, name_of(call))
        return await original(dependant=_WithCall(dependant, traced), values=values, is_coroutine=is_coroutine)

    run_endpoint_function._hopscope = True
    fastapi_routing.run_endpoint_function = run_endpoint_function


class _WithCall:
    """The dependant as run_endpoint_function reads it, with another `call`."""

    __slots__ = ("_dependant", "call")

    def __init__(self, dependant, call):
        self._dependant = dependant
        self.call = call

    def __getattr__(self, name):
        return getattr(self._dependant, name)
