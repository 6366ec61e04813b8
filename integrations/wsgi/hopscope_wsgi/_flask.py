"""Flask: the route hop (URL matching) and the view hop (the view function)."""
from ._middleware import CURRENT
from ._spans import is_http_answer

_patched = False


def instrument_flask(app):
    _patch_url_matching()
    app._hopscope_instrumented = True
    dispatch = app.dispatch_request

    def traced_dispatch_request(*args, **kwargs):
        hops = CURRENT.get()
        if hops is None:
            return dispatch(*args, **kwargs)
        try:
            request = _flask_request()
            routed = getattr(request, "routing_exception", None) is None
            rule = getattr(request, "url_rule", None)
        except Exception:
            routed, rule = True, None
        if not routed:
            # No view runs: Flask raises the routing answer (404, 405, a redirect) from here.
            return dispatch(*args, **kwargs)
        hops.view = hops.child("view", "view" if rule is None else "view %s" % rule.endpoint)
        try:
            return dispatch(*args, **kwargs)
        except BaseException as exc:
            # abort(404) in a view is an answer; abort(503) and real exceptions are failures.
            if not is_http_answer(exc):
                hops.view.record_exception(exc)
            raise
        finally:
            hops.view.end()

    app.dispatch_request = traced_dispatch_request


def _flask_request():
    from flask import request

    return request


def _patch_url_matching():
    """Flask matches the URL in RequestContext.match_request; time it there, once for every app."""
    global _patched
    if _patched:
        return
    from flask.ctx import RequestContext

    original = RequestContext.match_request

    def match_request(self):
        hops = CURRENT.get()
        if hops is None or not getattr(self.app, "_hopscope_instrumented", False):
            return original(self)
        hops.route = hops.child("route", "route")
        try:
            return original(self)
        finally:
            hops.route.end()
            rule = getattr(self.request, "url_rule", None)
            if rule is not None:
                hops.routed(rule.rule)

    RequestContext.match_request = match_request
    _patched = True
