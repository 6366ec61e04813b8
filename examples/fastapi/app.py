"""The example FastAPI app: the hello app plus endpoints that show what an event loop does with
each kind of view. Run it with `uvicorn app:app` (one process, the dev setup) or
`gunicorn -c gunicorn.conf.py app:app` (Gunicorn's uvicorn workers).

- `/async?ms=` awaits asyncio.sleep: the loop serves other requests meanwhile.
- `/sync?ms=` is a `def`: Starlette runs it on a worker thread, the loop stays free.
- `/blocking?ms=` calls time.sleep in an `async def`: the loop, and every request on this
  worker, stops for that long (the `blocked_event_loop` finding).
"""
import asyncio
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "integrations", "wsgi"))

from fastapi import FastAPI, HTTPException  # noqa: E402

import hopscope_asgi  # noqa: E402

app = FastAPI(title="hopscope FastAPI example")
MAX_MS = 60_000.0


def _seconds(ms):
    return min(max(ms, 0.0), MAX_MS) / 1000


@app.get("/")
async def hello():
    return {"message": "Hello, FastAPI World!"}


@app.get("/items/{item_id}")
async def read_item(item_id: int):
    if item_id < 0:
        raise HTTPException(status_code=404, detail="no such item")
    return {"id": item_id, "name": "item %d" % item_id}


@app.get("/async")
async def sleep_async(ms: float = 100):
    """Waits without holding the loop."""
    await asyncio.sleep(_seconds(ms))
    return {"slept_ms": ms, "how": "await asyncio.sleep"}


@app.get("/sync")
def sleep_sync(ms: float = 100):
    """A plain `def`: runs on Starlette's thread pool, so sleeping holds only that thread."""
    time.sleep(_seconds(ms))
    return {"slept_ms": ms, "how": "time.sleep on a worker thread"}


@app.get("/blocking")
async def sleep_blocking(ms: float = 100):
    """The mistake: a blocking call in an `async def` holds the event loop for its whole duration."""
    time.sleep(_seconds(ms))
    return {"slept_ms": ms, "how": "time.sleep on the event loop"}


@app.get("/cpu")
async def cpu(ms: float = 20):
    """CPU-bound work in an `async def` also holds the loop."""
    until = time.perf_counter() + _seconds(ms)
    spins = 0
    while time.perf_counter() < until:
        spins += 1
    return {"busy_ms": ms, "spins": spins}


@app.get("/error")
async def error():
    raise ValueError("no item store configured")


hopscope_asgi.instrument(app, service_name=os.environ.get("OTEL_SERVICE_NAME", "fastapi-example"))
