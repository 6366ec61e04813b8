"""HopscopeASGIMiddleware around plain ASGI apps (no framework): the gateway and response hops,
trace context, Server-Timing, errors, pass-through, and the event loop's share of each request."""
import asyncio
import os
import time
import unittest

from support import CleanEnvironment, attributes_of, by_hop, call_asgi, duration_ms, request_asgi

import hopscope_asgi

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"


async def hello(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"hel", "more_body": True})
    await send({"type": "http.response.body", "body": b"lo"})


async def broken(scope, receive, send):
    raise RuntimeError("boom")


def blocking(ms):
    """An ASGI app that holds the event loop for `ms` (time.sleep in async code), then answers."""

    async def app(scope, receive, send):
        time.sleep(ms / 1000)
        await hello(scope, receive, send)

    return app


def awaiting(ms):
    async def app(scope, receive, send):
        await asyncio.sleep(ms / 1000)
        await hello(scope, receive, send)

    return app


class Middleware(CleanEnvironment):
    def test_gateway_and_response_hops_join_the_callers_trace(self):
        receiver = self.receiver()
        headers = {"traceparent": "00-%s-%s-01" % (TRACE_ID, PARENT_ID), "x-request-start": "t=%d" % int((time.time() - 0.05) * 1e6)}
        status, answer, body, error = call_asgi(hopscope_asgi.HopscopeASGIMiddleware(hello, "plain"), "/hello?x=1", headers)
        self.assertEqual((status, body, error), (200, b"hello", None))
        self.assertTrue(answer["server-timing"].startswith("gateway;dur="), answer)
        receiver.wait_for(2)
        hops = by_hop(receiver.spans)
        self.assertEqual(sorted(hops), ["gateway", "response"])
        gateway = attributes_of(hops["gateway"])
        self.assertEqual(hops["gateway"]["traceId"], TRACE_ID)
        self.assertEqual(hops["gateway"]["parentSpanId"], PARENT_ID)
        self.assertEqual(hops["gateway"]["name"], "GET /hello")
        self.assertEqual((gateway["url.path"], gateway["http.response.status_code"]), ("/hello", "200"))
        self.assertEqual(gateway["hopscope.worker"], str(os.getpid()))
        self.assertGreaterEqual(gateway["hopscope.queue_ms"], 40)
        self.assertEqual(hops["response"]["parentSpanId"], hops["gateway"]["spanId"])
        self.assertEqual(set(receiver.scopes), {"hopscope_asgi"})
        self.assertEqual(receiver.resources[0]["service.name"], "plain")

    def test_an_exception_fails_the_gateway_with_its_stack_and_still_reaches_the_server(self):
        receiver = self.receiver()
        status, _, _, error = call_asgi(hopscope_asgi.HopscopeASGIMiddleware(broken, "broken"), "/broken")
        self.assertIsNone(status)
        self.assertIsInstance(error, RuntimeError)
        span = receiver.wait_for_path("/broken")
        self.assertEqual(span["status"]["code"], 2)
        self.assertEqual(attributes_of(span)["error.type"], "RuntimeError")
        [event] = span["events"]
        self.assertIn('raise RuntimeError("boom")', attributes_of(event)["exception.stacktrace"])

    def test_lifespan_and_websocket_pass_through_and_sdk_disabled_means_no_spans(self):
        receiver = self.receiver()
        seen = []

        async def app(scope, receive, send):
            seen.append(scope["type"])
            if scope["type"] == "http":
                await hello(scope, receive, send)

        wrapped = hopscope_asgi.HopscopeASGIMiddleware(app, "pass")
        asyncio.run(wrapped({"type": "lifespan", "asgi": {"version": "3.0"}}, None, None))
        asyncio.run(wrapped({"type": "websocket", "path": "/ws", "headers": []}, None, None))
        self.assertEqual(seen, ["lifespan", "websocket"])
        os.environ["OTEL_SDK_DISABLED"] = "true"
        status, answer, _, _ = call_asgi(hopscope_asgi.HopscopeASGIMiddleware(app, "off"), "/off")
        self.assertEqual(status, 200)
        self.assertNotIn("server-timing", answer)
        self.assertIsNone(receiver.wait_for_path("/off", timeout=0.5))

    def test_a_slow_hub_never_holds_up_the_event_loop(self):
        receiver = self.receiver(delay=30)
        app = hopscope_asgi.HopscopeASGIMiddleware(hello, "slow-hub")

        async def main():
            for n in range(20):
                status, _, _, _ = await request_asgi(app, "/r%d" % n)
                self.assertEqual(status, 200)
            # Every request is answered while the first export is still waiting for the hub.
            deadline = time.monotonic() + 10
            while receiver.posts == 0 and time.monotonic() < deadline:
                await asyncio.sleep(0.02)

        asyncio.run(main())
        self.assertGreaterEqual(receiver.posts, 1)
        self.assertEqual(receiver.spans, [])


class EventLoop(CleanEnvironment):
    def test_a_request_that_blocks_the_loop_says_how_long_and_the_one_waiting_behind_it_says_so_too(self):
        receiver = self.receiver()
        blocker = hopscope_asgi.HopscopeASGIMiddleware(blocking(150), "loop")
        waiter = hopscope_asgi.HopscopeASGIMiddleware(awaiting(50), "loop")

        async def main():
            waiting = asyncio.ensure_future(request_asgi(waiter, "/waiter"))
            await asyncio.sleep(0.02)  # the waiter is in flight, awaiting, when the blocker starts
            await request_asgi(blocker, "/blocker")
            await waiting

        asyncio.run(main())
        blocker_span = attributes_of(receiver.wait_for_path("/blocker"))
        waiter_span = receiver.wait_for_path("/waiter")
        self.assertGreaterEqual(blocker_span["hopscope.loop_blocked_ms"], 150)
        self.assertLess(blocker_span["hopscope.loop_blocked_ms"], 150 * 1.2)
        self.assertNotIn("hopscope.loop_wait_ms", blocker_span)
        # The waiter's own 50 ms sleep ended while the loop was held: it waited for most of the 150 ms.
        self.assertNotIn("hopscope.loop_blocked_ms", attributes_of(waiter_span))
        self.assertGreater(attributes_of(waiter_span)["hopscope.loop_wait_ms"], 100)
        self.assertGreater(duration_ms(waiter_span), 150)

    def test_requests_that_only_await_are_not_counted_as_blocking(self):
        receiver = self.receiver()
        app = hopscope_asgi.HopscopeASGIMiddleware(awaiting(30), "loop")

        async def main():
            await asyncio.gather(*(request_asgi(app, "/calm%d" % n) for n in range(3)))

        asyncio.run(main())
        for n in range(3):
            attributes = attributes_of(receiver.wait_for_path("/calm%d" % n))
            self.assertNotIn("hopscope.loop_blocked_ms", attributes)


if __name__ == "__main__":
    unittest.main()
