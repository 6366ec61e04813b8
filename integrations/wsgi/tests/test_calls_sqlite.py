"""sqlite3 queries a request runs are its calls: CLIENT spans under the hop they ran in, with the
database semantic conventions' attributes and the statement without its literals."""
import os
import sqlite3
import tempfile
import unittest
from unittest import mock

from calls_support import app_running, attrs, request_calls
from support import CleanEnvironment, attributes_of, call_asgi

import hopscope_asgi

import hopscope_wsgi
from hopscope_wsgi import _calls, _sql

try:
    from flask import Flask
except ImportError:
    Flask = None


def catalogue():
    """A real database file with ten authors."""
    directory = tempfile.mkdtemp()
    path = os.path.join(directory, "books.db")
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT)")
        db.executemany("INSERT INTO authors VALUES (?, ?)", [(n, "author %d" % n) for n in range(10)])
    return path


class SqliteCalls(CleanEnvironment):
    def setUp(self):
        super().setUp()
        self.receiver = self.receiver()
        self.path = catalogue()

    def n_plus_one(self):
        db = sqlite3.connect(self.path)
        try:
            return [db.execute("SELECT name FROM authors WHERE id = %d" % n).fetchone()[0] for n in range(10)]
        finally:
            db.close()

    def test_each_query_is_a_client_span_without_its_literals(self):
        app = app_running(self.n_plus_one)
        gateway, calls = request_calls(self, self.receiver, app, "/n-plus-one", 10)
        self.assertEqual(len(calls), 10)
        for span in calls:
            a = attrs(span)
            self.assertEqual(span["name"], "SELECT authors")
            self.assertEqual(span["parentSpanId"], gateway["spanId"])
            self.assertEqual(a["db.system.name"], "sqlite")
            self.assertEqual(a["db.system"], "sqlite")
            self.assertEqual(a["db.query.text"], "SELECT name FROM authors WHERE id = ?")
            self.assertEqual(a["db.operation.name"], "SELECT")
            self.assertEqual(a["db.collection.name"], "authors")
            self.assertEqual(a["db.namespace"], "books.db")
            self.assertEqual(span["status"], {"code": 0})
        # Calls nest inside the request, one after the other.
        self.assertGreaterEqual(int(calls[0]["startTimeUnixNano"]), int(gateway["startTimeUnixNano"]))
        self.assertLessEqual(int(calls[-1]["endTimeUnixNano"]), int(gateway["endTimeUnixNano"]))

    def test_cursor_executemany_and_executescript_are_calls_too(self):
        def work():
            db = sqlite3.connect(":memory:")
            db.executescript("CREATE TABLE t (a); CREATE INDEX ta ON t (a);")
            cursor = db.cursor()
            cursor.executemany("INSERT INTO t VALUES (?)", [(1,), (2,)])
            cursor.execute("SELECT count(*) FROM t WHERE a > 1")
            return cursor.fetchone()[0]

        _, calls = request_calls(self, self.receiver, app_running(work), "/kinds", 3)
        self.assertEqual([c["name"] for c in calls], ["CREATE t", "INSERT t", "SELECT t"])
        self.assertEqual(attrs(calls[2])["db.query.text"], "SELECT count(*) FROM t WHERE a > ?")
        self.assertEqual(attrs(calls[0])["db.namespace"], ":memory:")

    def test_a_failing_query_fails_its_call_and_reaches_the_app_unchanged(self):
        seen = []

        def work():
            try:
                sqlite3.connect(":memory:").execute("SELECT * FROM missing WHERE secret = 'x'")
            except sqlite3.OperationalError as exc:
                seen.append(str(exc))
            return "handled"

        _, calls = request_calls(self, self.receiver, app_running(work), "/failing", 1)
        self.assertEqual(seen, ["no such table: missing"])
        self.assertEqual(calls[0]["status"], {"code": 2})
        self.assertEqual(attrs(calls[0])["error.type"], "OperationalError")
        self.assertNotIn("'x'", str(calls[0]))

    def test_queries_outside_a_request_are_not_recorded(self):
        hopscope_wsgi.HopscopeMiddleware(lambda e, s: [], "calls")
        self.assertIsNone(_calls.start("sqlite"))
        self.n_plus_one()  # at start-up: no request, no span, nothing raised

    def test_turned_off_by_the_environment_or_the_keyword(self):
        os.environ["HOPSCOPE_RECORD_CALLS"] = "0"
        _, off_by_env = request_calls(self, self.receiver, app_running(self.n_plus_one), "/off-env", 0)
        del os.environ["HOPSCOPE_RECORD_CALLS"]
        _, off_by_kwarg = request_calls(self, self.receiver, app_running(self.n_plus_one, record_calls=False), "/off-kwarg", 0)
        _, on = request_calls(self, self.receiver, app_running(self.n_plus_one), "/on", 10)
        self.assertEqual((len(off_by_env), len(off_by_kwarg), len(on)), (0, 0, 10))

    def test_calls_past_the_bound_are_counted_not_recorded(self):
        def many():
            db = sqlite3.connect(":memory:")
            for n in range(_calls.MAX_CALLS_PER_REQUEST + 5):
                db.execute("SELECT %d" % n)

        gateway, calls = request_calls(self, self.receiver, app_running(many), "/many", _calls.MAX_CALLS_PER_REQUEST)
        self.assertEqual(len(calls), _calls.MAX_CALLS_PER_REQUEST)
        self.assertEqual(attributes_of(gateway)["hopscope.calls_dropped"], "5")

    def test_telemetry_failing_never_fails_the_query(self):
        with mock.patch.object(_sql, "describe", side_effect=RuntimeError("broken telemetry")):
            _, calls = request_calls(self, self.receiver, app_running(self.n_plus_one), "/broken", 10)
        self.assertEqual(len(calls), 10)  # recorded with what could be described; the view got its rows

    def test_an_asgi_apps_queries_are_its_calls_too(self):
        async def app(scope, receive, send):
            names = self.n_plus_one()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": ", ".join(names).encode()})

        call_asgi(hopscope_asgi.HopscopeASGIMiddleware(app, "calls"), "/asgi-authors")
        gateway = self.receiver.wait_for_path("/asgi-authors")
        calls = _wait_for(self.receiver, lambda s: s["traceId"] == gateway["traceId"] and s["kind"] == 3, every=True)
        self.assertEqual(len(calls), 10)
        self.assertEqual({c["parentSpanId"] for c in calls}, {gateway["spanId"]})

    @unittest.skipIf(Flask is None, "Flask is not installed for this Python")
    def test_under_flask_the_calls_are_children_of_the_view(self):
        app = Flask("catalogue")
        app.add_url_rule("/authors", "authors", lambda: ", ".join(self.n_plus_one()))
        hopscope_wsgi.instrument(app).test_client().get("/authors").close()
        gateway = self.receiver.wait_for_path("/authors")
        view = _wait_for(self.receiver, lambda s: s["traceId"] == gateway["traceId"] and attributes_of(s).get("hopscope.hop") == "view")
        calls = [s for s in self.receiver.wait_for(0) if s["traceId"] == gateway["traceId"] and s["kind"] == 3]
        self.assertEqual(len(calls), 10)
        self.assertEqual({c["parentSpanId"] for c in calls}, {view["spanId"]})


def _wait_for(receiver, matches, every=False):
    """The first span that matches (every=True: all of them), once one has arrived."""
    for _ in range(500):
        found = [s for s in list(receiver.spans) if matches(s)]
        if found:
            return found if every else found[0]
        receiver.wait_for(len(receiver.spans) + 1, timeout=0.02)
    raise AssertionError("no such span")


if __name__ == "__main__":
    unittest.main()
