"""The example app: the classic hello app plus routes that make the two
server models differ visibly, and a small book catalogue in SQLite whose
/books view does N+1 queries (/books-join: the same in one query). Run it with
`python3 app.py` (Flask's threaded development server) or
`gunicorn -c gunicorn.conf.py app:app` (sync workers)."""
import os
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
# catalogue.py next to this file, whatever the server's working directory (uWSGI's wsgi-file).
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "integrations", "wsgi"))

from flask import Flask, jsonify, render_template, request  # noqa: E402

import hopscope_wsgi  # noqa: E402
from catalogue import BOOKS_IN_CATALOGUE, Catalogue  # noqa: E402

app = Flask(__name__)
MAX_MS = 60_000
catalogue = Catalogue()
catalogue.connect_sqlalchemy()
# The service /downstream calls (another app, through its hopscope proxy): it joins this request's trace.
DOWNSTREAM = os.environ.get("HOPSCOPE_EXAMPLE_DOWNSTREAM", "")
# The downstream is a neighbour on this machine: a proxy meant for the internet must not apply.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


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


def _books_wanted():
    try:
        return min(max(int(request.args.get("n", 10)), 1), BOOKS_IN_CATALOGUE)
    except ValueError:
        return 10


@app.route("/books")
def books():
    """N+1: one query for the books, then one more per book for its author (10 by default, ?n=1..50)."""
    return jsonify(catalogue.books_one_author_at_a_time(_books_wanted()))


@app.route("/books-join")
def books_join():
    """The same answer as /books from one query with a JOIN."""
    return jsonify(catalogue.books_joined(_books_wanted()))


@app.route("/books-sqlalchemy")
def books_sqlalchemy():
    """/books through SQLAlchemy's engine (when SQLAlchemy is installed): the same N+1."""
    rows = catalogue.books_through_sqlalchemy(_books_wanted())
    if rows is None:
        return "SQLAlchemy is not installed for this Python\n", 501
    return jsonify(rows)


@app.route("/downstream")
def downstream():
    """Calls the service at $HOPSCOPE_EXAMPLE_DOWNSTREAM with urllib and answers what it said."""
    if not DOWNSTREAM:
        return "set HOPSCOPE_EXAMPLE_DOWNSTREAM to the URL of a service to call\n", 503
    with _opener.open(DOWNSTREAM, timeout=10) as answer:
        return jsonify(status=answer.status, body=answer.read(2000).decode("utf-8", "replace"))


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
