"""Django: the route hop (its URL resolver, `http.route` in Django's pattern syntax, e.g.
`items/<int:item_id>`, as OpenTelemetry's Django instrumentation reports it) and the view hop
(the view function). An exception is recorded on the view as it leaves it, before Django renders
its 500 page (the WSGI side only ever sees that page); one raised by a middleware is recorded on
the gateway through the got_request_exception signal."""
import asyncio
import functools
import sys

from ._middleware import CURRENT
from ._spans import is_http_answer

_patched = False


def instrument_django():
    """Patches Django's request handling once for the process (every handler, WSGI or ASGI)."""
    global _patched
    if _patched:
        return
    from django.core import signals
    from django.core.handlers.base import BaseHandler

    resolve_request = BaseHandler.resolve_request

    def traced_resolve_request(self, request):
        hops = CURRENT.get()
        if hops is None:
            return resolve_request(self, request)
        hops.route = hops.child("route", "route")
        try:
            match = resolve_request(self, request)
        finally:
            hops.route.end()
        route = getattr(match, "route", None)
        if route:
            hops.routed(route)
        # Django unpacks the match as (view, args, kwargs); request.resolver_match keeps the real view.
        return _traced_view(match.func, getattr(match, "view_name", None) or _name_of(match.func)), match.args, match.kwargs

    BaseHandler.resolve_request = traced_resolve_request
    signals.got_request_exception.connect(_request_exception, weak=False, dispatch_uid="hopscope_wsgi")
    _patched = True


def _traced_view(view, name):
    if asyncio.iscoroutinefunction(view):

        @functools.wraps(view)
        async def traced_async(request, *args, **kwargs):
            span = _start(name)
            try:
                return await view(request, *args, **kwargs)
            except Exception as exc:
                _failed(span, exc)
                raise
            finally:
                _end(span)

        return traced_async

    @functools.wraps(view)
    def traced(request, *args, **kwargs):
        span = _start(name)
        try:
            return view(request, *args, **kwargs)
        except Exception as exc:
            _failed(span, exc)
            raise
        finally:
            _end(span)

    return traced


def _start(name):
    hops = CURRENT.get()
    if hops is None or hops.view is not None:
        return None
    hops.view = hops.child("view", "view %s" % name)
    return hops.view


def _end(span):
    if span is not None:
        span.end()


def _failed(span, exc):
    # Http404, PermissionDenied and the like are Django's 4xx answers; anything else is a failure.
    if span is not None and not is_http_answer(exc):
        span.record_exception(exc)


def _request_exception(sender, request=None, **kwargs):
    """Django sends this for an exception it is about to turn into a 500, from within its except block."""
    try:
        hops = CURRENT.get()
        exc = sys.exc_info()[1]
        if hops is not None and exc is not None:
            hops.record_escaped(exc)
    except Exception:
        pass


def _name_of(view):
    return getattr(view, "__name__", None) or type(view).__name__
