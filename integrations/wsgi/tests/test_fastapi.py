"""hopscope_asgi.instrument() on real FastAPI and Starlette apps (whatever releases this Python
has: Debian's 0.92, or the current ones from PyPI): route and view hops, http.route in the
framework's syntax, 4xx answers that are not errors, exceptions with their stack, where each
kind of view runs, and what a blocking `async def` does to the requests beside it."""
import asyncio
import threading
import time
import unittest

from support import CleanEnvironment, attributes_of, by_hop, call_asgi, request_asgi

import hopscope_asgi

try:
    from fastapi import FastAPI, HTTPException
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Mount, Route
except ImportError:
    FastAPI = None


def make_app():
    app = FastAPI()

    @app.get("/items/{item_id}")
    async def read_item(item_id: int):
        if item_id < 0:
            raise HTTPException(status_code=404, detail="no such item")
        return {"id": item_id}

    @app.get("/sync")
    def sync_view():
        return {"thread": threading.current_thread().name}

    @app.get("/blocking")
    async def blocking_view(ms: float = 150):
        time.sleep(ms / 1000)
        return {"slept": ms}

    @app.get("/async")
    async def async_view(ms: float = 50):
        await asyncio.sleep(ms / 1000)
        return {"slept": ms}

    @app.get("/error")
    async def error():
        raise ValueError("no item store configured")

    @app.get("/unavailable")
    async def unavailable():
        raise HTTPException(status_code=503, detail="down for maintenance")

    inner = FastAPI()

    @inner.get("/things/{thing_id}")
    def thing(thing_id: str):
        return {"thing": thing_id}

    app.mount("/inner", inner)
    return hopscope_asgi.instrument(app, service_name="fastapi-test")


@unittest.skipIf(FastAPI is None, "FastAPI is not installed for this Python")
class FastAPIHops(CleanEnvironment):
    def trace(self, receiver, path):
        gateway = receiver.wait_for_path(path)
        self.assertIsNotNone(gateway, path)
        # A request's spans are queued together, so they arrive with its gateway.
        return by_hop(receiver.spans, gateway["traceId"])

    def test_route_view_and_response_with_the_route_in_fastapis_syntax(self):
        receiver = self.receiver()
        status, headers, body, error = call_asgi(make_app(), "/items/3")
        self.assertEqual((status, body, error), (200, b'{"id":3}', None))
        self.assertRegex(headers["server-timing"], r"^gateway;dur=[\d.]+, route;dur=[\d.]+, view;dur=[\d.]+$")
        hops = self.trace(receiver, "/items/3")
        self.assertEqual(sorted(hops), ["gateway", "response", "route", "view"])
        self.assertEqual(hops["gateway"]["name"], "GET /items/{item_id}")
        self.assertEqual(attributes_of(hops["gateway"])["http.route"], "/items/{item_id}")
        self.assertEqual(attributes_of(hops["route"])["http.route"], "/items/{item_id}")
        self.assertEqual(hops["view"]["name"], "view read_item")
        view = attributes_of(hops["view"])
        self.assertEqual((view["hopscope.executor"], view["thread.name"]), ("event_loop", threading.current_thread().name))
        for hop in ("route", "view", "response"):
            self.assertEqual(hops[hop]["parentSpanId"], hops["gateway"]["spanId"])
        # In order: matching, then the endpoint, then the answer going out.
        self.assertLessEqual(int(hops["route"]["endTimeUnixNano"]), int(hops["view"]["startTimeUnixNano"]))
        self.assertLessEqual(int(hops["view"]["endTimeUnixNano"]), int(hops["response"]["startTimeUnixNano"]))
        self.assertEqual(receiver.scopes[0], "hopscope_asgi")

    def test_a_404_is_an_answer_not_an_error(self):
        receiver = self.receiver()
        app = make_app()
        self.assertEqual(call_asgi(app, "/items/-1")[0], 404)
        self.assertEqual(call_asgi(app, "/nowhere")[0], 404)
        raised = self.trace(receiver, "/items/-1")
        for span in raised.values():
            self.assertNotIn("error.type", attributes_of(span))
            self.assertEqual(span["events"], [])
        unmatched = self.trace(receiver, "/nowhere")
        self.assertEqual(sorted(unmatched), ["gateway", "response", "route"])
        self.assertNotIn("http.route", attributes_of(unmatched["gateway"]))
        self.assertNotIn("error.type", attributes_of(unmatched["gateway"]))

    def test_an_unhandled_exception_is_the_views_error_with_its_stack_and_a_500(self):
        receiver = self.receiver()
        status, _, _, error = call_asgi(make_app(), "/error")
        self.assertEqual(status, 500)
        self.assertIsInstance(error, ValueError)  # Starlette re-raises it for the server to log
        hops = self.trace(receiver, "/error")
        [event] = hops["view"]["events"]
        self.assertEqual(attributes_of(event)["exception.type"], "ValueError")
        self.assertEqual(attributes_of(event)["exception.message"], "no item store configured")
        self.assertIn('raise ValueError("no item store configured")', attributes_of(event)["exception.stacktrace"])
        gateway = attributes_of(hops["gateway"])
        self.assertEqual((gateway["error.type"], gateway["http.response.status_code"]), ("ValueError", "500"))
        self.assertEqual(hops["gateway"]["events"], [])  # recorded once, where it was raised

    def test_an_http_exception_of_500_or_more_is_an_error(self):
        receiver = self.receiver()
        self.assertEqual(call_asgi(make_app(), "/unavailable")[0], 503)
        hops = self.trace(receiver, "/unavailable")
        self.assertEqual(attributes_of(hops["view"])["error.type"], "HTTPException")
        self.assertEqual(attributes_of(hops["gateway"])["error.type"], "HTTPException")

    def test_a_def_view_runs_on_a_worker_thread(self):
        receiver = self.receiver()
        _, _, body, _ = call_asgi(make_app(), "/sync")
        view = attributes_of(self.trace(receiver, "/sync")["view"])
        self.assertEqual(view["hopscope.executor"], "thread_pool")
        self.assertNotEqual(view["thread.name"], threading.current_thread().name)
        self.assertIn(view["thread.name"].encode(), body)

    def test_a_mounted_app_reports_its_whole_route(self):
        receiver = self.receiver()
        self.assertEqual(call_asgi(make_app(), "/inner/things/a")[0], 200)
        hops = self.trace(receiver, "/inner/things/a")
        self.assertEqual(attributes_of(hops["gateway"])["http.route"], "/inner/things/{thing_id}")
        self.assertEqual(hops["view"]["name"], "view thing")

    def test_a_blocking_async_view_is_measured_and_the_request_beside_it_shows_the_wait(self):
        receiver = self.receiver()
        app = make_app()

        async def main():
            beside = asyncio.ensure_future(request_asgi(app, "/async?ms=50"))
            await asyncio.sleep(0.02)
            await request_asgi(app, "/blocking?ms=150")
            await beside

        asyncio.run(main())
        blocker = self.trace(receiver, "/blocking")
        blocked = attributes_of(blocker["view"])["hopscope.loop_blocked_ms"]
        self.assertGreaterEqual(blocked, 150)
        self.assertLess(blocked, 150 * 1.2)
        beside = self.trace(receiver, "/async")
        self.assertNotIn("hopscope.loop_blocked_ms", attributes_of(beside["view"]))
        self.assertGreater(attributes_of(beside["gateway"])["hopscope.loop_wait_ms"], 100)


@unittest.skipIf(FastAPI is None, "FastAPI is not installed for this Python")
class StarletteHops(CleanEnvironment):
    def test_a_plain_starlette_app_gets_route_and_view_for_routes_made_before_and_after_instrument(self):
        receiver = self.receiver()

        async def before(request):
            return PlainTextResponse("before %s" % request.path_params["name"])

        def after(request):
            return PlainTextResponse("after")

        app = Starlette(routes=[Mount("/users", routes=[Route("/{name}", before)])])
        hopscope_asgi.instrument(app, service_name="starlette-test")
        app.add_route("/after", after)
        self.assertEqual(call_asgi(app, "/users/ada")[2], b"before ada")
        self.assertEqual(call_asgi(app, "/after")[2], b"after")
        first = by_hop(receiver.spans, receiver.wait_for_path("/users/ada")["traceId"])
        self.assertEqual(attributes_of(first["route"])["http.route"], "/users/{name}")
        self.assertEqual((first["view"]["name"], attributes_of(first["view"])["hopscope.executor"]), ("view before", "event_loop"))
        second = by_hop(receiver.spans, receiver.wait_for_path("/after")["traceId"])
        self.assertEqual((second["view"]["name"], attributes_of(second["view"])["hopscope.executor"]), ("view after", "thread_pool"))


if __name__ == "__main__":
    unittest.main()
