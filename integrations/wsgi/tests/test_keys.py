"""Every attribute key the package writes (spans, events, resource) is listed in
_spans.ATTRIBUTE_KEYS, which test/flask/semconv-keys.test.ts checks against
shared/src/semconv.ts: a key written here but declared nowhere fails one or the other."""
import unittest

import asyncio
import sqlite3
import time
import urllib.error
import urllib.request
from unittest import mock

from support import CleanEnvironment, attributes_of, call, hello_app, request_asgi

import hopscope_asgi
import hopscope_wsgi
from hopscope_asgi import _views
from hopscope_wsgi import _calls, _spans

try:
    from flask import Flask
except ImportError:
    Flask = None


class AttributeKeys(CleanEnvironment):
    def keys_written(self, receiver):
        keys = set()
        for span in receiver.spans:
            keys.update(attributes_of(span))
            for event in span["events"]:
                keys.update(attributes_of(event))
        for resource in receiver.resources:
            keys.update(resource)
        return keys

    def asgi_requests(self):
        """A view that blocks the event loop, a view on a thread, and a request waiting behind the first."""

        async def blocking():
            time.sleep(0.03)

        def on_thread():
            pass

        async def app(scope, receive, send):
            if scope["path"] == "/blocking":
                await _views.traced_async(blocking, "blocking")()
            elif scope["path"] == "/thread":
                await asyncio.to_thread(_views.traced_sync(on_thread, "on_thread"))
            else:
                await asyncio.sleep(0.01)
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})

        wrapped = hopscope_asgi.HopscopeASGIMiddleware(app, "keys")

        async def main():
            waiting = asyncio.ensure_future(request_asgi(wrapped, "/waiting"))
            await asyncio.sleep(0.005)
            await request_asgi(wrapped, "/blocking")
            await request_asgi(wrapped, "/thread")
            await waiting

        asyncio.run(main())
        return ["/waiting", "/blocking", "/thread"]

    def calls(self, endpoint):
        """A query, an HTTP call (the receiver answers GET with 501), and a request past the bound of calls."""

        def calling(environ, start_response):
            sqlite3.connect(":memory:").execute("CREATE TABLE t (a)")
            try:
                urllib.request.build_opener(urllib.request.ProxyHandler({})).open(endpoint + "/", timeout=5).close()
            except urllib.error.HTTPError:
                pass
            return hello_app(environ, start_response)

        def past_the_bound(environ, start_response):
            for _ in range(3):
                sqlite3.connect(":memory:").execute("SELECT 1")
            return hello_app(environ, start_response)

        with mock.patch.object(_calls, "MAX_CALLS_PER_REQUEST", 2):
            call(hopscope_wsgi.HopscopeMiddleware(calling, "keys"), "/calls")
            call(hopscope_wsgi.HopscopeMiddleware(past_the_bound, "keys"), "/calls-past-the-bound")
        return ["/calls", "/calls-past-the-bound"]

    def test_every_key_written_is_declared(self):
        receiver = self.receiver()

        def broken(environ, start_response):
            raise RuntimeError("boom")

        queued = {"HTTP_X_REQUEST_START": "t=%d" % 1_700_000_000_000_000, "HTTP_TRACEPARENT": "00-%s-%s-01" % ("e" * 32, "f" * 16)}
        call(hopscope_wsgi.HopscopeMiddleware(hello_app, "keys"), "/plain", queued)
        with self.assertRaises(RuntimeError):
            call(hopscope_wsgi.HopscopeMiddleware(broken, "keys"), "/broken")
        paths = ["/plain", "/broken"]
        if Flask is not None:
            app = Flask("keys")
            app.logger.disabled = True
            app.add_url_rule("/items/<int:n>", "item", lambda n: str(1 / n))
            client = hopscope_wsgi.instrument(app).test_client()
            for path in ("/items/1", "/items/0", "/missing"):
                client.get(path, headers={"X-Request-Start": "t=%d" % 1_700_000_000_000_000}).close()
                paths.append(path)
        paths += self.asgi_requests()
        paths += self.calls(receiver.endpoint)
        for path in paths:
            self.assertIsNotNone(receiver.wait_for_path(path), path)
        written = self.keys_written(receiver)
        self.assertEqual(written - set(_spans.ATTRIBUTE_KEYS), set())
        # The scenario above writes every declared key, so the list holds no stale entry either.
        self.assertEqual(set(_spans.ATTRIBUTE_KEYS) - written, set())


if __name__ == "__main__":
    unittest.main()
