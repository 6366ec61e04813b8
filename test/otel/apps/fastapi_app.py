"""A small FastAPI app with no OpenTelemetry code of its own: served by uvicorn
under `opentelemetry-instrument`, the official ASGI/FastAPI instrumentation traces it."""
from fastapi import FastAPI

app = FastAPI()


@app.get("/items/{item_id}")
async def item(item_id: int):
    return {"id": item_id, "name": f"item {item_id}"}


@app.get("/boom")
async def boom():
    raise ValueError("kaboom")
