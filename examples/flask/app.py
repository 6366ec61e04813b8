"""The example app: the classic hello app plus routes that make the two
server models differ visibly. Run it with `python3 app.py` (Flask's threaded
development server) or `gunicorn -c gunicorn.conf.py app:app` (sync workers)."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "integrations", "wsgi"))

from flask import Flask, jsonify, render_template, request  # noqa: E402

import hopscope_wsgi  # noqa: E402

app = Flask(__name__)
MAX_MS = 60_000


def _ms(default):
    try:
        return min(max(float(request.args.get("ms", default)), 0.0), MAX_MS)
    except ValueError:
        return default


@app.route("/")
def hello():
    return "Hello, Flask World!"


@app.route("/error")
def error():
    return str(1 / 0)


@app.route("/page")
def page():
    return render_template("page.html", title="A page from a template")


@app.route("/items/<int:item_id>")
def item(item_id):
    return jsonify(id=item_id, name="item %d" % item_id)


@app.route("/slow")
def slow():
    """I/O-bound: sleeping releases the GIL, so the threaded dev server overlaps these."""
    ms = _ms(100)
    time.sleep(ms / 1000)
    return "slept %d ms\n" % ms


@app.route("/cpu")
def cpu():
    """CPU-bound: a busy loop holds the GIL, so only separate processes (workers) run these in parallel."""
    ms = _ms(20)
    until = time.perf_counter() + ms / 1000
    spins = 0
    while time.perf_counter() < until:
        spins += 1
    return "busy for %d ms (%d spins)\n" % (ms, spins)


@app.route("/crash")
def crash():
    """Kills the process serving it, like an OOM kill. Under Gunicorn the master
    starts a new worker (a new pid); the dev server itself would exit, so the
    example only offers it there on purpose (ALLOW_CRASH=1)."""
    if os.environ.get("ALLOW_CRASH") != "1":
        return "set ALLOW_CRASH=1 to let /crash kill its process\n", 403
    os._exit(1)


hopscope_wsgi.instrument(app, service_name=os.environ.get("OTEL_SERVICE_NAME", "flask-example"))

if __name__ == "__main__":
    # Flask's development server, threaded (the default since Flask 1.0), no reloader.
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "5000")), debug=False, use_reloader=False)
