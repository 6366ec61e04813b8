"""Any WSGI app: gateway and response hops, the caller's trace joined, a raising app's
exception as users see it, and OTEL_SDK_DISABLED as a pass-through."""
import os
import threading
import unittest

from support import CleanEnvironment, attributes_of, call, hello_app, hop_of

import hopscope_wsgi


class Middleware(CleanEnvironment):
    def test_plain_wsgi_app_gets_gateway_and_response_hops_joined_to_the_callers_trace(self):
        receiver = self.receiver()
        app = hopscope_wsgi.HopscopeMiddleware(hello_app, "plain")
        traceparent = "00-%s-%s-01" % ("c" * 32, "d" * 16)
        captured, body = call(app, "/x", {"HTTP_TRACEPARENT": traceparent})
        self.assertEqual(body, b"hello")
        self.assertIn("gateway;dur=", captured["headers"]["Server-Timing"])
        spans = receiver.wait_for(2)
        self.assertEqual(sorted(hop_of(s) for s in spans), ["gateway", "response"])
        gateway = [s for s in spans if hop_of(s) == "gateway"][0]
        self.assertEqual(gateway["traceId"], "c" * 32)
        self.assertEqual(gateway["parentSpanId"], "d" * 16)
        self.assertEqual(gateway["status"], {"code": 0})
        self.assertEqual(attributes_of(gateway)["http.response.status_code"], "200")
        # The thread that ran the request (the dashboard's lane per thread of a threaded server).
        self.assertEqual(attributes_of(gateway)["thread.id"], str(threading.get_ident()))
        self.assertEqual(attributes_of(gateway)["thread.name"], threading.current_thread().name)

    def test_a_broken_app_still_raises_and_its_gateway_span_carries_the_exception(self):
        def broken(environ, start_response):
            raise RuntimeError("boom")

        receiver = self.receiver()
        app = hopscope_wsgi.HopscopeMiddleware(broken, "broken")
        with self.assertRaises(RuntimeError):
            call(app, "/broken", method="POST")
        span = receiver.wait_for_path("/broken")
        self.assertIsNotNone(span, "the gateway span of the failed request was not exported")
        self.assertEqual(span["name"], "POST /broken")
        self.assertEqual(span["kind"], 2)  # SERVER
        self.assertEqual(span["status"], {"code": 2})  # ERROR
        self.assertEqual(attributes_of(span)["error.type"], "RuntimeError")
        self.assertEqual(attributes_of(span)["http.request.method"], "POST")
        self.assertEqual([e["name"] for e in span["events"]], ["exception"])
        event = attributes_of(span["events"][0])
        self.assertEqual(event["exception.type"], "RuntimeError")
        self.assertEqual(event["exception.message"], "boom")
        self.assertIn('raise RuntimeError("boom")', event["exception.stacktrace"])

    def test_a_5xx_answer_without_an_exception_is_an_error_a_4xx_is_not(self):
        def answer(status):
            def app(environ, start_response):
                start_response(status, [("Content-Type", "text/plain")])
                return [b"x"]

            return app

        receiver = self.receiver()
        call(hopscope_wsgi.HopscopeMiddleware(answer("503 Service Unavailable"), "a"), "/unavailable")
        call(hopscope_wsgi.HopscopeMiddleware(answer("404 Not Found"), "a"), "/missing")
        unavailable = receiver.wait_for_path("/unavailable")
        missing = receiver.wait_for_path("/missing")
        self.assertEqual(unavailable["status"], {"code": 2})
        self.assertEqual(attributes_of(unavailable)["error.type"], "503")
        self.assertEqual(missing["status"], {"code": 0})
        self.assertNotIn("error.type", attributes_of(missing))
        self.assertEqual(missing["events"], [])


    def test_a_failing_exporter_neither_breaks_a_request_nor_hides_the_apps_exception(self):
        def broken(environ, start_response):
            raise RuntimeError("boom")

        def failing(spans):
            raise OSError("exporter broke")

        app = hopscope_wsgi.HopscopeMiddleware(broken, "failing")
        app.exporter.enqueue = failing
        with self.assertRaises(RuntimeError) as caught:
            call(app)
        self.assertEqual(str(caught.exception), "boom")
        ok = hopscope_wsgi.HopscopeMiddleware(hello_app, "failing")
        ok.exporter.enqueue = failing
        self.assertEqual(call(ok)[1], b"hello")


class SdkDisabled(CleanEnvironment):
    def test_otel_sdk_disabled_makes_the_middleware_a_pass_through(self):
        receiver = self.receiver()
        os.environ["OTEL_SDK_DISABLED"] = "TRUE"
        app = hopscope_wsgi.HopscopeMiddleware(hello_app, "disabled")
        captured, body = call(app, "/off")
        self.assertEqual(body, b"hello")
        self.assertNotIn("Server-Timing", captured["headers"])
        # Enabled again, the same kind of request is exported: the receiver works, so silence above meant nothing sent.
        del os.environ["OTEL_SDK_DISABLED"]
        call(hopscope_wsgi.HopscopeMiddleware(hello_app, "enabled"), "/on")
        self.assertIsNotNone(receiver.wait_for_path("/on"))
        self.assertIsNone(receiver.wait_for_path("/off", timeout=0.3))
        self.assertEqual(app.exporter.exported + app.exporter.dropped, 0)

    def test_only_true_disables(self):
        os.environ["OTEL_SDK_DISABLED"] = "1"  # the OTel spec's booleans: only "true", any case
        captured, _ = call(hopscope_wsgi.HopscopeMiddleware(hello_app, "on"), "/")
        self.assertIn("Server-Timing", captured["headers"])


if __name__ == "__main__":
    unittest.main()
