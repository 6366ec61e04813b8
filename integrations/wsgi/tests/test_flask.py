"""Flask: a 4xx answer (no route, wrong method, abort(404), a routing redirect) is not an
error; a 5xx and a real exception are, with the exception event users see on the view hop."""
import unittest

from support import CleanEnvironment, attributes_of, hop_of

import hopscope_wsgi

try:
    from flask import Flask, abort
except ImportError:  # Flask is optional for the package; CI installs python3-flask
    Flask = None


def make_app():
    app = Flask("four_xx")

    @app.route("/items/<int:item_id>")
    def item(item_id):
        if item_id == 0:
            abort(404)
        return "item %d" % item_id

    @app.route("/only-post", methods=["POST"])
    def only_post():
        return "posted"

    @app.route("/folder/")
    def folder():
        return "folder"

    @app.route("/unavailable")
    def unavailable():
        abort(503)

    @app.route("/error")
    def error():
        return str(1 / 0)

    app.logger.disabled = True  # Flask logs the ZeroDivisionError; the test checks it elsewhere
    return hopscope_wsgi.instrument(app, service_name="four-xx")


@unittest.skipIf(Flask is None, "Flask is not installed for this Python")
class ClientErrorsAreNotExceptions(CleanEnvironment):
    def setUp(self):
        super().setUp()
        self.hub = self.receiver()
        self.client = make_app().test_client()

    def spans_of(self, path, method="GET"):
        response = self.client.open(path, method=method)
        status = response.status_code
        response.close()  # the server closes the body: the hops end and are exported
        gateway = self.hub.wait_for_path(path)
        self.assertIsNotNone(gateway, "no gateway span for %s" % path)
        spans = [s for s in self.hub.spans if s["traceId"] == gateway["traceId"]]
        return status, {hop_of(s): s for s in spans}

    def assert_no_error(self, spans):
        for hop, span in spans.items():
            self.assertEqual(span["status"], {"code": 0}, hop)
            self.assertEqual(span["events"], [], hop)
            self.assertNotIn("error.type", attributes_of(span), hop)

    def test_no_route_is_a_404_without_a_view_hop_or_an_error(self):
        status, spans = self.spans_of("/nope")
        self.assertEqual(status, 404)
        self.assertEqual(sorted(spans), ["gateway", "response", "route"])
        self.assertEqual(attributes_of(spans["gateway"])["http.response.status_code"], "404")
        self.assert_no_error(spans)

    def test_wrong_method_is_a_405_without_an_error(self):
        status, spans = self.spans_of("/only-post")
        self.assertEqual(status, 405)
        self.assertNotIn("view", spans)
        self.assert_no_error(spans)

    def test_a_routing_redirect_is_not_an_error(self):
        status, spans = self.spans_of("/folder")
        self.assertIn(status, (301, 308))  # werkzeug 2.2 answers 308; older ones 301
        self.assert_no_error(spans)

    def test_abort_404_in_a_view_keeps_the_view_hop_without_an_error(self):
        status, spans = self.spans_of("/items/0")
        self.assertEqual(status, 404)
        self.assertEqual(sorted(spans), ["gateway", "response", "route", "view"])
        self.assertEqual(spans["view"]["name"], "view item")
        self.assertEqual(attributes_of(spans["gateway"])["http.route"], "/items/<int:item_id>")
        self.assert_no_error(spans)

    def test_abort_503_is_recorded_on_the_view_and_fails_the_gateway(self):
        status, spans = self.spans_of("/unavailable")
        self.assertEqual(status, 503)
        view = spans["view"]
        self.assertEqual(view["status"], {"code": 2})
        event = attributes_of(view["events"][0])
        self.assertEqual(event["exception.type"], "ServiceUnavailable")
        self.assertEqual(spans["gateway"]["status"], {"code": 2})
        self.assertEqual(attributes_of(spans["gateway"])["error.type"], "ServiceUnavailable")

    def test_an_exception_in_a_view_is_recorded_with_type_message_and_stack(self):
        status, spans = self.spans_of("/error")
        self.assertEqual(status, 500)
        view = spans["view"]
        self.assertEqual(view["name"], "view error")
        self.assertEqual(view["status"], {"code": 2})
        self.assertEqual(attributes_of(view)["error.type"], "ZeroDivisionError")
        self.assertEqual([e["name"] for e in view["events"]], ["exception"])
        event = attributes_of(view["events"][0])
        self.assertEqual(event["exception.type"], "ZeroDivisionError")
        self.assertEqual(event["exception.message"], "division by zero")
        self.assertIn("1 / 0", event["exception.stacktrace"])
        gateway = attributes_of(spans["gateway"])
        self.assertEqual(gateway["http.response.status_code"], "500")
        self.assertEqual(gateway["error.type"], "ZeroDivisionError")
        self.assertEqual(spans["gateway"]["status"], {"code": 2})

    def test_a_normal_request_has_every_hop_and_no_error(self):
        status, spans = self.spans_of("/items/3")
        self.assertEqual(status, 200)
        self.assertEqual(sorted(spans), ["gateway", "response", "route", "view"])
        self.assertEqual(spans["gateway"]["name"], "GET /items/<int:item_id>")
        self.assert_no_error(spans)


if __name__ == "__main__":
    unittest.main()
