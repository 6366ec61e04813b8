"""hopscope_wsgi: hop-by-hop tracing for Flask and any WSGI app, standard library only.

    import hopscope_wsgi
    hopscope_wsgi.instrument(app)          # a Flask app: gateway, route, view, response
    application = hopscope_wsgi.instrument(get_wsgi_application())   # Django (wsgi.py): the same
    app = hopscope_wsgi.HopscopeMiddleware(wsgi_app)   # any WSGI app: gateway, response

Spans go as OTLP/HTTP JSON to $OTEL_EXPORTER_OTLP_ENDPOINT (default
http://127.0.0.1:4318, hopscope's receiver) from a background thread (under
uWSGI without --enable-threads: after each response); set HOPSCOPE_EXPORT=off
to rely on the Server-Timing header alone. OTEL_SERVICE_NAME,
OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS are honoured, and
OTEL_SDK_DISABLED=true turns the middleware into a pass-through.

The calls a request makes are recorded too, as CLIENT spans under the hop they happen in:
sqlite3 queries, SQLAlchemy's (when it is installed) and outgoing HTTP through http.client
(urllib, requests), which carries `traceparent` on to the service it calls. Statements are
recorded without their literals. HOPSCOPE_RECORD_CALLS=0, or record_calls=False, turns that off.
"""
import sys

from . import _calls
from ._config import sdk_disabled
from ._exporter import Exporter
from ._middleware import HopscopeMiddleware as _Middleware

__all__ = ["instrument", "HopscopeMiddleware", "stats"]
__version__ = "0.1.0"

_exporters = []


def HopscopeMiddleware(app, service_name="wsgi-app", record_calls=None):
    exporter = Exporter(service_name)
    _exporters.append(exporter)
    return _Middleware(app, exporter, calls_recorded(record_calls))


def calls_recorded(record_calls=None):
    """Whether a middleware records calls (None: as HOPSCOPE_RECORD_CALLS says, on by default); hooks them if so."""
    record = _calls.enabled_by_environment() if record_calls is None else bool(record_calls) and not sdk_disabled()
    if record:
        _calls.install()
    return record


def instrument(app, service_name=None, record_calls=None):
    """Instruments a Flask app in place and returns it; returns Django's WSGI handler or any other
    WSGI callable wrapped (use what it returns). record_calls=False: no database or HTTP calls."""
    if hasattr(app, "wsgi_app") and hasattr(app, "dispatch_request"):
        if sdk_disabled():
            return app
        from ._flask import instrument_flask

        instrument_flask(app)
        app.wsgi_app = HopscopeMiddleware(app.wsgi_app, service_name or app.import_name, record_calls)
        return app
    if _is_django_handler(app):
        if sdk_disabled():
            return app
        from ._django import instrument_django

        instrument_django()
        return HopscopeMiddleware(app, service_name or "django-app", record_calls)
    return HopscopeMiddleware(app, service_name or "wsgi-app", record_calls)


def _is_django_handler(app):
    handlers = sys.modules.get("django.core.handlers.wsgi")
    return handlers is not None and isinstance(app, handlers.WSGIHandler)


def stats():
    """Spans exported and dropped by this process (dropped: hub down, slow, or queue full)."""
    return {"exported": sum(e.exported for e in _exporters), "dropped": sum(e.dropped for e in _exporters)}
