"""What the test files share: a real OTLP/HTTP JSON receiver on 127.0.0.1, a WSGI
caller and an ASGI one, and a test case that gives every test a clean, restored os.environ."""
import asyncio
import json
import os
import sys
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock
from wsgiref.util import setup_testing_defaults

PACKAGE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, PACKAGE_DIR)


class Receiver:
    """A tiny OTLP/HTTP JSON receiver collecting spans, resources and request headers.
    `delay` makes it a slow hub: it answers only after that many seconds, or as soon as
    `release()` is called. `posts` counts the exports it was sent, answered or not."""

    def __init__(self, delay=0.0):
        self.spans = []
        self.resources = []
        self.scopes = []
        self.headers = []
        self.posts = 0
        self._released = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                receiver.posts += 1
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if delay:
                    receiver._released.wait(delay)
                receiver.headers.append({k.lower(): v for k, v in self.headers.items()})
                for rs in body["resourceSpans"]:
                    receiver.resources.append(attributes_of(rs["resource"]))
                    for ss in rs["scopeSpans"]:
                        receiver.scopes.append(ss["scope"]["name"])
                        receiver.spans.extend(ss["spans"])
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b"{}")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # a slow hub's client gave up waiting, as it should

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.endpoint = "http://127.0.0.1:%d" % self.server.server_address[1]

    def wait_for(self, count, timeout=10.0):
        deadline = time.time() + timeout
        while time.time() < deadline and len(self.spans) < count:
            time.sleep(0.02)
        return self.spans

    def wait_for_path(self, path, timeout=10.0):
        """The exported gateway span of the request to `path`, or None."""
        deadline = time.time() + timeout
        while True:
            for span in list(self.spans):
                attributes = attributes_of(span)
                if attributes.get("hopscope.hop") == "gateway" and attributes.get("url.path") == path:
                    return span
            if time.time() >= deadline:
                return None
            time.sleep(0.02)

    def release(self):
        self._released.set()

    def close(self):
        self.release()
        self.server.shutdown()
        self.server.server_close()


def attributes_of(item):
    """OTLP JSON key/values → a plain dict (ints arrive as strings, as in OTLP JSON)."""
    out = {}
    for kv in item.get("attributes", []):
        value = kv["value"]
        out[kv["key"]] = next(iter(value.values())) if value else None
    return out


def hop_of(span):
    return attributes_of(span).get("hopscope.hop")


def hello_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


def call(app, path="/", headers=None, method="GET"):
    environ = {"PATH_INFO": path, "REQUEST_METHOD": method}
    setup_testing_defaults(environ)
    environ.update(headers or {})
    captured = {}

    def start_response(status, response_headers, exc_info=None):
        captured["status"] = status
        captured["headers"] = dict(response_headers)

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return captured, body


class CleanEnvironment(unittest.TestCase):
    """Each test starts with no OTEL_* or HOPSCOPE_* variable (whatever ran the suite may set
    some) and leaves os.environ exactly as it found it."""

    def setUp(self):
        patcher = mock.patch.dict(os.environ)
        patcher.start()
        self.addCleanup(patcher.stop)
        for key in list(os.environ):
            if key.startswith(("OTEL_", "HOPSCOPE_")):
                del os.environ[key]

    def receiver(self, delay=0.0):
        """A receiver that closes after the test, exported to through OTEL_EXPORTER_OTLP_ENDPOINT."""
        receiver = Receiver(delay)
        self.addCleanup(receiver.close)
        os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.endpoint
        return receiver


def asgi_scope(path="/", headers=None, method="GET", root_path=""):
    path, _, query = path.partition("?")
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("latin-1"),
        "query_string": query.encode("latin-1"),
        "root_path": root_path,
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()],
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
    }


async def request_asgi(app, path="/", headers=None, method="GET"):
    """One HTTP request through an ASGI app on the running loop, as a server would make it:
    returns (status, headers as a dict of str, body, the exception the app raised or None)."""
    sent = []
    delivered = False

    async def receive():
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client never disconnects

    async def send(message):
        sent.append(message)

    error = None
    try:
        await app(asgi_scope(path, headers, method), receive, send)
    except Exception as exc:
        error = exc
    start = next((m for m in sent if m["type"] == "http.response.start"), None)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    if start is None:
        return None, {}, body, error
    return start["status"], {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start.get("headers", [])}, body, error


def call_asgi(app, path="/", headers=None, method="GET"):
    """request_asgi on a fresh event loop."""
    return asyncio.run(request_asgi(app, path, headers, method))


def by_hop(spans, trace_id=None):
    """{hop: span} of one trace's spans (the last one of each hop)."""
    return {hop_of(s): s for s in spans if trace_id is None or s["traceId"] == trace_id}


def duration_ms(span):
    return (int(span["endTimeUnixNano"]) - int(span["startTimeUnixNano"])) / 1e6
