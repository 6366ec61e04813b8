"""The event loop made visible. An ASGI worker runs every request on one event loop: code that
does not await (a blocking call, a long computation) in an `async def` holds the loop, and every
other request on that worker waits. Two measurements, both per process and cheap:

- StepTimer times each step of one request's coroutine (from one suspension to the next): the
  steps of at least BLOCKING_STEP_MS are time this request's code held the loop.
- LagMonitor is a callback rescheduling itself every TICK_SECONDS; how late each tick runs is
  how long the loop could not run anything (whoever held it). A request in flight adds up the lag
  it sat through; what is not its own blocking is time it waited for someone else.
"""
import asyncio
import os
import time
import weakref

# A step this long holds every other request on the worker up: count it as blocking. Shorter steps
# are the ordinary cost of running Python between awaits.
BLOCKING_STEP_MS = 10.0
TICK_SECONDS = 0.01
# Ticks a few milliseconds late are the selector's and the OS scheduler's jitter, not a held loop.
LAG_FLOOR_MS = 5.0


class StepTimer:
    """Drives an awaitable step by step (as `await` would) and adds up its long steps."""

    __slots__ = ("blocked_ms",)

    def __init__(self):
        self.blocked_ms = 0.0

    def _count(self, started):
        ms = (time.perf_counter() - started) * 1000
        if ms >= BLOCKING_STEP_MS:
            self.blocked_ms += ms

    def run(self, awaitable):
        """`await timer.run(coro)`: the same result, exceptions and cancellation as `await coro`."""
        return _Timed(awaitable.__await__(), self)


def _timed_generator(iterator, timer):
    """What `yield from iterator` does (PEP 380), with each step timed: values the task sends
    and exceptions it throws (cancellation) go down, what the awaitable yields goes up."""
    value, error = None, None
    while True:
        started = time.perf_counter()
        try:
            if error is not None:
                yielded = iterator.throw(error)
            else:
                yielded = iterator.send(value)
        except StopIteration as done:
            timer._count(started)
            return done.value
        except BaseException:
            timer._count(started)
            raise
        timer._count(started)
        try:
            value, error = (yield yielded), None
        except GeneratorExit:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()
            raise
        except BaseException as exc:
            value, error = None, exc


class _Timed:
    """An awaitable around _timed_generator, so that `await timer.run(coro)` works anywhere."""

    __slots__ = ("_generator",)

    def __init__(self, iterator, timer):
        self._generator = _timed_generator(iterator, timer)

    def __await__(self):
        return self._generator


class LagMonitor:
    """Event-loop lag of one loop in one process: `lag_ms` only grows, by how late each tick ran
    (beyond LAG_FLOOR_MS). A request reads it when it starts and when it ends."""

    def __init__(self, loop):
        self.loop = loop
        self.pid = os.getpid()
        self.lag_ms = 0.0
        self.max_lag_ms = 0.0
        self._due = loop.time() + TICK_SECONDS
        loop.call_at(self._due, self._tick)

    def _tick(self):
        now = self.loop.time()
        late_ms = (now - self._due) * 1000
        if late_ms >= LAG_FLOOR_MS:
            self.lag_ms += late_ms
            self.max_lag_ms = max(self.max_lag_ms, late_ms)
        self._due = now + TICK_SECONDS
        self.loop.call_at(self._due, self._tick)


_monitors = weakref.WeakKeyDictionary()


def monitor():
    """The running loop's monitor, started on the first request in each process (a Gunicorn worker
    forked from a master that served nothing, each of `uvicorn --workers N`'s processes)."""
    loop = asyncio.get_running_loop()
    found = _monitors.get(loop)
    if found is None or found.pid != os.getpid():
        found = _monitors[loop] = LagMonitor(loop)
    return found
