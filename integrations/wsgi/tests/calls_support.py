"""What the call tests share: a WSGI app that runs a function as its view, and the CLIENT spans
of one request as the receiver got them."""
import time

from support import attributes_of, call

import hopscope_wsgi

KIND_CLIENT = 3


def app_running(work, **middleware):
    """A WSGI app, instrumented, whose every request runs work() and answers with what it returns."""

    def app(environ, start_response):
        body = work()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [str(body).encode()]

    return hopscope_wsgi.HopscopeMiddleware(app, "calls", **middleware)


def request_calls(test, receiver, app, path, count, headers=None):
    """Requests `path`, and returns (gateway span, its CLIENT spans) once `count` calls arrived."""
    call(app, path, headers)
    gateway = receiver.wait_for_path(path)
    test.assertIsNotNone(gateway, path)
    deadline = time.time() + 10
    while True:
        calls = [s for s in list(receiver.spans) if s["traceId"] == gateway["traceId"] and s["kind"] == KIND_CLIENT]
        if len(calls) >= count or time.time() > deadline:
            return gateway, sorted(calls, key=lambda s: int(s["startTimeUnixNano"]))
        time.sleep(0.02)


def attrs(span):
    return attributes_of(span)
