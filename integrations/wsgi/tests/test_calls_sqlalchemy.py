"""SQLAlchemy's statements are calls, from its engine events, recorded once though SQLAlchemy runs
them through sqlite3 (which hopscope also hooks), with the statement without its literals."""
import os
import tempfile
import unittest

from calls_support import app_running, attrs, request_calls
from support import CleanEnvironment

import hopscope_wsgi

try:
    import sqlalchemy
except ImportError:
    sqlalchemy = None


@unittest.skipIf(sqlalchemy is None, "SQLAlchemy is not installed for this Python")
class SqlAlchemyCalls(CleanEnvironment):
    def setUp(self):
        super().setUp()
        self.receiver = self.receiver()
        # Hooks first, then the engine and its pool's connections, as in an app that instruments at import.
        hopscope_wsgi.calls_recorded(True)
        path = os.path.join(tempfile.mkdtemp(), "shop.db")
        self.engine = sqlalchemy.create_engine("sqlite:///" + path)
        self.addCleanup(self.engine.dispose)
        with self.engine.begin() as conn:
            conn.execute(sqlalchemy.text("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)"))
            conn.execute(sqlalchemy.text("INSERT INTO items VALUES (1, 'one'), (2, 'two')"))

    def test_each_statement_is_one_call(self):
        def work():
            with self.engine.connect() as conn:
                names = [conn.execute(sqlalchemy.text("SELECT name FROM items WHERE id = %d" % n)).scalar() for n in (1, 2)]
                bound = conn.execute(sqlalchemy.text("SELECT name FROM items WHERE name = :name"), {"name": "one"}).scalar()
                return names + [bound]

        _, calls = request_calls(self, self.receiver, app_running(work), "/sqlalchemy", 3)
        # Exactly three: neither doubled by the sqlite3 hook nor joined by SQLAlchemy's own bookkeeping.
        self.assertEqual(len(calls), 3)
        texts = [attrs(c)["db.query.text"] for c in calls]
        self.assertEqual(texts, ["SELECT name FROM items WHERE id = ?"] * 2 + ["SELECT name FROM items WHERE name = ?"])
        for span in calls:
            self.assertEqual(span["name"], "SELECT items")
            self.assertEqual(attrs(span)["db.system.name"], "sqlite")
            self.assertEqual(attrs(span)["db.namespace"], "shop.db")

    def test_a_failing_statement_fails_its_call(self):
        def work():
            with self.engine.connect() as conn:
                try:
                    conn.execute(sqlalchemy.text("SELECT * FROM nowhere"))
                except sqlalchemy.exc.OperationalError:
                    return "handled"

        _, calls = request_calls(self, self.receiver, app_running(work), "/sqlalchemy-failing", 1)
        self.assertEqual(len(calls), 1)
        self.assertEqual(calls[0]["status"], {"code": 2})
        self.assertEqual(attrs(calls[0])["error.type"], "OperationalError")


if __name__ == "__main__":
    unittest.main()
