"""hopscope_wsgi.instrument(get_wsgi_application()) on a real Django (Debian's 3.2, or the current
release): the route from Django's URL resolver in its own syntax, the view, an exception
recorded before Django renders its 500, exceptions from middleware, 404s that are not errors."""
import sys
import unittest

from support import CleanEnvironment, attributes_of, by_hop, call, call_asgi

import hopscope_asgi
import hopscope_wsgi

try:
    import django  # django.conf.settings is imported where used: unittest's discovery would touch it unconfigured
except ImportError:
    django = None

THIS = sys.modules[__name__]


def item(request, item_id):
    from django.http import Http404, JsonResponse

    if item_id == 0:
        raise Http404("no such item")
    return JsonResponse({"id": item_id})


def error(request):
    raise ValueError("no item store configured")


def ok(request):
    from django.http import HttpResponse

    return HttpResponse("ok")


class FailingMiddleware:
    """Raises for /middleware-boom before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/middleware-boom":
            raise KeyError("session store gone")
        return self.get_response(request)


def _configure():
    from django.conf import settings
    from django.urls import include, path

    THIS.urlpatterns = [
        path("items/<int:item_id>", item, name="item"),
        path("error", error, name="error"),
        path("middleware-boom", ok),
        path("shop/", include([path("carts/<slug:cart>/", ok, name="cart")])),
    ]
    settings.configure(
        DEBUG=False,
        SECRET_KEY="test",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=["%s.FailingMiddleware" % __name__],
        DATABASES={},
        # Django logs every 500 to stderr; the test output stays readable without it.
        LOGGING={"version": 1, "loggers": {"django": {"handlers": [], "level": "CRITICAL", "propagate": False}}},
    )
    django.setup()


@unittest.skipIf(django is None, "Django is not installed for this Python")
class DjangoHops(CleanEnvironment):
    @classmethod
    def setUpClass(cls):
        from django.conf import settings

        if not settings.configured:
            _configure()
        from django.core.wsgi import get_wsgi_application

        # The exporter reads the endpoint when it sends: one instrumented app serves every test's receiver.
        cls.app = hopscope_wsgi.instrument(get_wsgi_application(), service_name="django-test")

    def request(self, receiver, path):
        answer, _ = call(self.app, path)
        gateway = receiver.wait_for_path(path)
        self.assertIsNotNone(gateway, path)
        return answer, by_hop(receiver.spans, gateway["traceId"])

    def test_route_and_view_with_the_route_in_djangos_syntax(self):
        receiver = self.receiver()
        answer, hops = self.request(receiver, "/items/3")
        self.assertTrue(answer["status"].startswith("200"))
        self.assertRegex(answer["headers"]["Server-Timing"], r"^gateway;dur=[\d.]+, route;dur=[\d.]+, view;dur=[\d.]+$")
        self.assertEqual(sorted(hops), ["gateway", "response", "route", "view"])
        self.assertEqual(hops["gateway"]["name"], "GET items/<int:item_id>")
        self.assertEqual(attributes_of(hops["route"])["http.route"], "items/<int:item_id>")
        self.assertEqual(hops["view"]["name"], "view item")
        self.assertLessEqual(int(hops["route"]["endTimeUnixNano"]), int(hops["view"]["startTimeUnixNano"]))

    def test_an_included_route_is_reported_whole(self):
        receiver = self.receiver()
        _, hops = self.request(receiver, "/shop/carts/mine/")
        self.assertEqual(attributes_of(hops["gateway"])["http.route"], "shop/carts/<slug:cart>/")

    def test_the_views_exception_is_recorded_before_django_renders_its_500(self):
        receiver = self.receiver()
        answer, hops = self.request(receiver, "/error")
        self.assertTrue(answer["status"].startswith("500"))
        [event] = hops["view"]["events"]
        self.assertEqual(attributes_of(event)["exception.type"], "ValueError")
        self.assertIn('raise ValueError("no item store configured")', attributes_of(event)["exception.stacktrace"])
        self.assertEqual(attributes_of(hops["gateway"])["error.type"], "ValueError")
        self.assertEqual(hops["gateway"]["events"], [])

    def test_an_exception_in_a_middleware_is_recorded_on_the_gateway(self):
        receiver = self.receiver()
        answer, hops = self.request(receiver, "/middleware-boom")
        self.assertTrue(answer["status"].startswith("500"))
        self.assertNotIn("view", hops)
        [event] = hops["gateway"]["events"]
        self.assertEqual(attributes_of(event)["exception.type"], "KeyError")

    def test_404s_are_answers_not_errors(self):
        receiver = self.receiver()
        raised, raised_hops = self.request(receiver, "/items/0")
        unmatched, unmatched_hops = self.request(receiver, "/nowhere")
        self.assertTrue(raised["status"].startswith("404") and unmatched["status"].startswith("404"))
        for span in list(raised_hops.values()) + list(unmatched_hops.values()):
            self.assertNotIn("error.type", attributes_of(span))
            self.assertEqual(span["events"], [])
        self.assertEqual(sorted(unmatched_hops), ["gateway", "response", "route"])
        self.assertNotIn("http.route", attributes_of(unmatched_hops["route"]))

    def test_under_asgi_the_same_line_with_hopscope_asgi_gives_the_same_hops(self):
        from django.core.asgi import get_asgi_application

        receiver = self.receiver()
        app = hopscope_asgi.instrument(get_asgi_application(), service_name="django-asgi")
        status, headers, _, _ = call_asgi(app, "/items/5")
        self.assertEqual(status, 200)
        self.assertTrue(headers["server-timing"].startswith("gateway;dur="))
        self.assertEqual(call_asgi(app, "/error")[0], 500)
        items = by_hop(receiver.spans, receiver.wait_for_path("/items/5")["traceId"])
        self.assertEqual(sorted(items), ["gateway", "response", "route", "view"])
        self.assertEqual(attributes_of(items["gateway"])["http.route"], "items/<int:item_id>")
        failed = by_hop(receiver.spans, receiver.wait_for_path("/error")["traceId"])
        self.assertEqual(attributes_of(failed["view"])["error.type"], "ValueError")
        self.assertEqual(set(receiver.scopes), {"hopscope_asgi"})


if __name__ == "__main__":
    unittest.main()
