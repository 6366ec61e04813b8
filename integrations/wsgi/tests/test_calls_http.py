"""Outgoing HTTP a request makes (http.client: urllib, requests) is its call: a CLIENT span named
after the method, with the server and the redacted URL, and `traceparent` sent on so the called
service joins the trace."""
import os
import threading
import unittest
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from calls_support import app_running, attrs, request_calls
from support import CleanEnvironment

try:
    import requests
except ImportError:
    requests = None

# The app's calls go to 127.0.0.1 directly, whatever proxy the machine's environment names.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Downstream:
    """A real HTTP server on 127.0.0.1 that remembers the headers it was sent; /fail answers 503."""

    def __init__(self):
        self.headers = []
        downstream = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                downstream.headers.append({k.lower(): v for k, v in self.headers.items()})
                self.send_response(503 if self.path.startswith("/fail") else 200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.port = self.server.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def fetch(url):
    try:
        with _DIRECT.open(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


class HttpCalls(CleanEnvironment):
    def setUp(self):
        super().setUp()
        self.receiver = self.receiver()
        self.downstream = Downstream()
        self.addCleanup(self.downstream.close)

    def test_a_urllib_call_is_a_client_span_and_carries_the_trace_on(self):
        incoming = {"HTTP_TRACEPARENT": "00-%s-%s-01" % ("a" * 32, "b" * 16), "HTTP_TRACESTATE": "vendor=value"}
        app = app_running(lambda: fetch(self.downstream.url + "/books?page=2&api_key=hunter2"))
        gateway, calls = request_calls(self, self.receiver, app, "/calls-out", 1, incoming)
        [span] = calls
        a = attrs(span)
        self.assertEqual(span["name"], "GET")
        self.assertEqual(span["traceId"], "a" * 32)
        self.assertEqual(span["parentSpanId"], gateway["spanId"])
        self.assertEqual(a["http.request.method"], "GET")
        self.assertEqual(a["server.address"], "127.0.0.1")
        self.assertEqual(a["server.port"], str(self.downstream.port))
        self.assertEqual(a["url.full"], "%s/books?page=2&api_key=[redacted]" % self.downstream.url)
        self.assertEqual(a["http.response.status_code"], "200")
        self.assertEqual(span["status"], {"code": 0})
        [sent] = self.downstream.headers
        self.assertEqual(sent["traceparent"], "00-%s-%s-01" % ("a" * 32, span["spanId"]))
        self.assertEqual(sent["tracestate"], "vendor=value")

    @unittest.skipIf(requests is None, "requests is not installed for this Python")
    def test_a_requests_call_through_urllib3_is_recorded_too(self):
        def work():
            session = requests.Session()
            session.trust_env = False  # straight to 127.0.0.1, whatever proxy the environment names
            with session:
                return session.get(self.downstream.url + "/via-requests", timeout=5).status_code

        gateway, [span] = request_calls(self, self.receiver, app_running(work), "/requests-out", 1)
        self.assertEqual(span["name"], "GET")
        self.assertEqual(attrs(span)["url.full"], self.downstream.url + "/via-requests")
        self.assertEqual(attrs(span)["http.response.status_code"], "200")
        self.assertEqual([h["traceparent"] for h in self.downstream.headers], ["00-%s-%s-01" % (gateway["traceId"], span["spanId"])])

    def test_the_apps_own_traceparent_is_left_alone(self):
        own = "00-%s-%s-01" % ("c" * 32, "d" * 16)

        def work():
            with _DIRECT.open(urllib.request.Request(self.downstream.url + "/", headers={"traceparent": own}), timeout=5):
                return "ok"

        request_calls(self, self.receiver, app_running(work), "/own-traceparent", 1)
        self.assertEqual([h["traceparent"] for h in self.downstream.headers], [own])

    def test_an_error_status_and_a_refused_connection_fail_the_call(self):
        self.downstream.close()
        refused = self.downstream.url
        other = Downstream()
        self.addCleanup(other.close)

        def work():
            statuses = [fetch(other.url + "/fail")]
            try:
                fetch(refused + "/")
            except urllib.error.URLError:
                statuses.append("refused")
            return statuses

        _, calls = request_calls(self, self.receiver, app_running(work), "/failing-calls", 2)
        self.assertEqual([c["status"] for c in calls], [{"code": 2}, {"code": 2}])
        self.assertEqual(attrs(calls[0])["error.type"], "503")
        self.assertEqual(attrs(calls[0])["http.response.status_code"], "503")
        self.assertEqual(attrs(calls[1])["error.type"], "ConnectionRefusedError")

    def test_the_exporters_own_requests_are_not_calls(self):
        _, calls = request_calls(self, self.receiver, app_running(lambda: fetch(self.downstream.url + "/")), "/one-call", 1)
        _, calls2 = request_calls(self, self.receiver, app_running(lambda: "no call"), "/no-call", 0)
        self.assertEqual((len(calls), len(calls2)), (1, 0))
        self.assertEqual(len([s for s in self.receiver.spans if s["kind"] == 3]), 1)
        self.assertNotIn("traceparent", self.receiver.headers[0])


if __name__ == "__main__":
    unittest.main()
