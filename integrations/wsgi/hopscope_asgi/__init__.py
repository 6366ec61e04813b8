"""hopscope_asgi: hop-by-hop tracing for FastAPI, Starlette and any ASGI app, standard library only.

    import hopscope_asgi
    hopscope_asgi.instrument(app)                       # FastAPI / Starlette: gateway, route, view, response
    application = hopscope_asgi.instrument(get_asgi_application())   # Django (asgi.py): the same
    app = hopscope_asgi.HopscopeASGIMiddleware(app)     # any ASGI app: gateway, response

The same exporter as hopscope_wsgi (OTLP/HTTP JSON from a background thread with a bounded queue,
the same OTEL_* variables and HOPSCOPE_EXPORT): the event loop never waits for the hub. Each
request also says how long its code held the event loop (`hopscope.loop_blocked_ms`) and how long
it waited while other code held it (`hopscope.loop_wait_ms`).
"""
import sys

from hopscope_wsgi import __version__, calls_recorded
from hopscope_wsgi._config import sdk_disabled
from hopscope_wsgi._exporter import Exporter

from ._middleware import ASGIMiddleware

__all__ = ["instrument", "HopscopeASGIMiddleware", "stats", "__version__"]

SCOPE = "hopscope_asgi"
_exporters = []


def HopscopeASGIMiddleware(app, service_name="asgi-app", record_calls=None):
    exporter = Exporter(service_name, SCOPE)
    _exporters.append(exporter)
    return ASGIMiddleware(app, exporter, calls_recorded(record_calls))


def instrument(app, service_name=None, record_calls=None):
    """Instruments a FastAPI or Starlette app in place and returns it; returns Django's ASGI handler
    or any other ASGI app wrapped (use what it returns). record_calls=False: no database or HTTP calls."""
    if _is_starlette(app):
        if sdk_disabled():
            return app
        from ._starlette import instrument_starlette

        name = service_name or "asgi-app"
        instrument_starlette(app, lambda inner: HopscopeASGIMiddleware(inner, name, record_calls))
        return app
    handlers = sys.modules.get("django.core.handlers.asgi")
    if handlers is not None and isinstance(app, handlers.ASGIHandler) and not sdk_disabled():
        from hopscope_wsgi._django import instrument_django

        instrument_django()
        return HopscopeASGIMiddleware(app, service_name or "django-app", record_calls)
    return HopscopeASGIMiddleware(app, service_name or "asgi-app", record_calls)


def stats():
    """Spans exported and dropped by this process (dropped: hub down, slow, or queue full)."""
    return {"exported": sum(e.exported for e in _exporters), "dropped": sum(e.dropped for e in _exporters)}


def _is_starlette(app):
    applications = sys.modules.get("starlette.applications")
    return applications is not None and isinstance(app, applications.Starlette)

