"""A small Flask app with no OpenTelemetry code of its own: run under
`opentelemetry-instrument flask --app flask_app run`, the official Python
SDK and its Flask instrumentation trace it."""
from flask import Flask, abort

app = Flask(__name__)


@app.get("/items/<int:item_id>")
def item(item_id):
    return {"id": item_id, "name": f"item {item_id}"}


@app.get("/boom")
def boom():
    raise ValueError("kaboom")


@app.get("/missing")
def missing():
    abort(404)
