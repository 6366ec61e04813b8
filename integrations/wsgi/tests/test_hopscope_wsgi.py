"""Unit tests of hopscope_wsgi with the standard library only: a real local
OTLP receiver (http.server), a plain WSGI app, and a real fork."""
import json
import os
import sys
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, HTTPServer
from wsgiref.util import setup_testing_defaults

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import hopscope_wsgi  # noqa: E402
from hopscope_wsgi import _exporter  # noqa: E402
from hopscope_wsgi._ids import parse_request_start, parse_traceparent  # noqa: E402


class Receiver:
    """A tiny OTLP/HTTP JSON receiver on 127.0.0.1, collecting spans."""

    def __init__(self):
        self.spans = []
        self.headers = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                receiver.headers.append({k.lower(): v for k, v in self.headers.items()})
                for rs in body["resourceSpans"]:
                    for ss in rs["scopeSpans"]:
                        receiver.spans.extend(ss["spans"])
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.endpoint = "http://127.0.0.1:%d" % self.server.server_address[1]

    def wait_for(self, count, timeout=5.0):
        deadline = time.time() + timeout
        while time.time() < deadline and len(self.spans) < count:
            time.sleep(0.02)
        return self.spans

    def close(self):
        self.server.shutdown()


def hello_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


def call(app, path="/", headers=None):
    environ = {"PATH_INFO": path}
    setup_testing_defaults(environ)
    environ.update(headers or {})
    captured = {}

    def start_response(status, response_headers, exc_info=None):
        captured["status"] = status
        captured["headers"] = dict(response_headers)

    result = app(environ, start_response)
    body = b"".join(result)
    result.close()
    return captured, body


class HeaderParsing(unittest.TestCase):
    def test_traceparent(self):
        self.assertEqual(parse_traceparent("00-%s-%s-01" % ("a" * 32, "b" * 16)), ("a" * 32, "b" * 16))
        for bad in (None, "", "garbage", "00-%s-%s-01" % ("0" * 32, "b" * 16), "ff-%s-%s-01" % ("a" * 32, "b" * 16), "x" * 600):
            self.assertIsNone(parse_traceparent(bad))

    def test_request_start(self):
        self.assertAlmostEqual(parse_request_start("t=1700000000123456"), 1700000000.123456, places=5)
        self.assertAlmostEqual(parse_request_start("1700000000.5"), 1700000000.5)
        for bad in (None, "", "t=abc", "t=12"):
            self.assertIsNone(parse_request_start(bad))


class Middleware(unittest.TestCase):
    def setUp(self):
        self.receiver = Receiver()
        os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = self.receiver.endpoint

    def tearDown(self):
        self.receiver.close()

    def test_plain_wsgi_app_gets_gateway_and_response_hops_joined_to_the_callers_trace(self):
        app = hopscope_wsgi.HopscopeMiddleware(hello_app, "plain")
        traceparent = "00-%s-%s-01" % ("c" * 32, "d" * 16)
        captured, body = call(app, "/x", {"HTTP_TRACEPARENT": traceparent})
        self.assertEqual(body, b"hello")
        self.assertIn("gateway;dur=", captured["headers"]["Server-Timing"])
        spans = self.receiver.wait_for(1)
        spans = self.receiver.wait_for(2)
        hop_of = lambda s: next(a["value"]["stringValue"] for a in s["attributes"] if a["key"] == "hopscope.hop")  # noqa: E731
        self.assertEqual(sorted(hop_of(s) for s in spans), ["gateway", "response"])
        gateway = [s for s in spans if hop_of(s) == "gateway"]
        self.assertEqual(gateway[0]["traceId"], "c" * 32)
        self.assertEqual(gateway[0]["parentSpanId"], "d" * 16)

    def test_a_broken_app_still_raises_and_its_spans_are_exported(self):
        def broken(environ, start_response):
            raise RuntimeError("boom")

        app = hopscope_wsgi.HopscopeMiddleware(broken, "broken")
        with self.assertRaises(RuntimeError):
            call(app)
        self.assertGreaterEqual(len(self.receiver.wait_for(1)), 1)


class Exporting(unittest.TestCase):
    def test_hub_down_drops_and_counts_without_blocking_or_raising(self):
        os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9"
        app = hopscope_wsgi.HopscopeMiddleware(hello_app, "offline")
        for _ in range(20):
            captured, body = call(app)
            self.assertEqual(body, b"hello")
        exporter = app.exporter
        deadline = time.time() + 10
        while time.time() < deadline and exporter.dropped < 20:
            time.sleep(0.05)
        self.assertGreaterEqual(exporter.dropped, 20)

    def test_the_queue_is_bounded(self):
        os.environ["HOPSCOPE_EXPORT"] = "on"
        exporter = _exporter.Exporter("bounded")
        exporter._thread = object()  # no sender thread: the queue can only fill up
        span = hopscope_wsgi._spans.Span("s", "a" * 32, None)
        exporter.enqueue([span] * (_exporter.MAX_QUEUE + 10))
        self.assertEqual(len(exporter._queue), _exporter.MAX_QUEUE)
        self.assertEqual(exporter.dropped, 10)

    def test_fork_safe_the_child_exports_with_its_own_thread(self):
        receiver = Receiver()
        os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.endpoint
        try:
            app = hopscope_wsgi.HopscopeMiddleware(hello_app, "forked")
            call(app)  # the parent starts its exporter thread before forking, like gunicorn --preload can
            receiver.wait_for(2)
            before = len(receiver.spans)
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    exported_before = app.exporter.exported
                    call(app, "/in-child")
                    deadline = time.time() + 5
                    while time.time() < deadline and app.exporter.exported < exported_before + 2:
                        time.sleep(0.02)
                    code = 0 if app.exporter.exported == exported_before + 2 and app.exporter._pid == os.getpid() else 2
                finally:
                    os._exit(code)
            _, status = os.waitpid(pid, 0)
            self.assertEqual(os.waitstatus_to_exitcode(status), 0)
            self.assertGreater(len(receiver.wait_for(before + 2)), before)
        finally:
            receiver.close()

    def test_otlp_headers_from_the_environment_reach_the_receiver(self):
        """A hub with a token needs OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer%20TOKEN (the OTel spec's variable)."""
        receiver = Receiver()
        saved = {k: os.environ.get(k) for k in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "HOPSCOPE_EXPORT")}
        os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.endpoint
        os.environ["HOPSCOPE_EXPORT"] = "on"
        # Percent-decoded values, '=' inside a value kept, the TRACES variable winning per name, and
        # malformed pairs (no '=', a bad name, a value that would split the header) never sent.
        os.environ["OTEL_EXPORTER_OTLP_HEADERS"] = "authorization=Bearer%20tok%3D%3D , x-tenant=one,novalue,bad name=1,x-evil=a%0D%0Ainjected: yes,content-type=text/plain"
        os.environ["OTEL_EXPORTER_OTLP_TRACES_HEADERS"] = "x-tenant=two"
        try:
            app = hopscope_wsgi.HopscopeMiddleware(hello_app, "headers")
            call(app, "/with-headers")
            receiver.wait_for(2)
            self.assertTrue(receiver.headers)
            sent = receiver.headers[0]
            self.assertEqual(sent.get("authorization"), "Bearer tok==")
            self.assertEqual(sent.get("x-tenant"), "two")
            self.assertEqual(sent.get("content-type"), "application/json")
            self.assertNotIn("x-evil", sent)
            self.assertNotIn("injected", sent)
            self.assertNotIn("novalue", sent)
        finally:
            receiver.close()
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


if __name__ == "__main__":
    unittest.main()
