"""The view hop around an endpoint, where it runs: an `async def` on the event loop (its long steps
are time it held the loop), a `def` on a worker thread of the pool Starlette runs it in."""
import functools
import threading

from hopscope_wsgi._middleware import CURRENT
from hopscope_wsgi._spans import EXECUTOR, LOOP_BLOCKED_MS, THREAD_ID, THREAD_NAME, is_http_answer

from . import _loop

ON_EVENT_LOOP = "event_loop"
ON_THREAD_POOL = "thread_pool"


def traced_async(call, name):
    """An `async def` standing in for `call` (a coroutine function) that makes the view hop."""

    @functools.wraps(call)
    async def view(*args, **kwargs):
        hops = CURRENT.get()
        if hops is None or hops.view is not None:
            return await call(*args, **kwargs)
        span = _start(hops, name, ON_EVENT_LOOP)
        timer = _loop.StepTimer()
        try:
            return await timer.run(call(*args, **kwargs))
        except Exception as exc:
            _failed(span, exc)
            raise
        finally:
            span.end()
            if timer.blocked_ms > 0:
                span.attributes[LOOP_BLOCKED_MS] = round(timer.blocked_ms, 2)

    return view


def traced_sync(call, name):
    """A `def` standing in for `call` that makes the view hop on the thread that runs it."""

    @functools.wraps(call)
    def view(*args, **kwargs):
        hops = CURRENT.get()
        if hops is None or hops.view is not None:
            return call(*args, **kwargs)
        span = _start(hops, name, ON_THREAD_POOL)
        try:
            return call(*args, **kwargs)
        except Exception as exc:
            _failed(span, exc)
            raise
        finally:
            span.end()

    return view


def _start(hops, name, executor):
    span = hops.view = hops.child("view", "view %s" % name)
    thread = threading.current_thread()
    span.attributes[EXECUTOR] = executor
    span.attributes[THREAD_ID] = threading.get_ident()
    span.attributes[THREAD_NAME] = thread.name
    return span


def _failed(span, exc):
    # HTTPException(404) is how a view answers a client; HTTPException(503) and real exceptions are failures.
    if not is_http_answer(exc):
        span.record_exception(exc)


def name_of(call):
    return getattr(call, "__name__", None) or type(call).__name__
