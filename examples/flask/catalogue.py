"""The example's book catalogue: a real SQLite database in a temporary file, made and seeded when
the app is imported (each Gunicorn worker, or the master with --preload, has one) and removed at
exit by the process that made it."""
import atexit
import os
import sqlite3
import tempfile

AUTHORS = ["Ursula K. Le Guin", "Terry Pratchett", "Octavia E. Butler", "Iain M. Banks", "N. K. Jemisin", "Ted Chiang", "Becky Chambers", "Stanisław Lem", "Jorge Luis Borges", "Italo Calvino", "Tove Jansson", "Ryszard Kapuściński"]
BOOKS_IN_CATALOGUE = 50

AUTHOR_BY_ID = "SELECT name FROM authors WHERE id = ?"


class Catalogue:
    def __init__(self):
        handle, self.path = tempfile.mkstemp(prefix="hopscope-example-", suffix="-catalogue.db")
        os.close(handle)
        atexit.register(self._remove, os.getpid())
        db = self._connect()
        with db:  # one transaction, committed
            db.execute("CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
            db.execute("CREATE TABLE books (id INTEGER PRIMARY KEY, title TEXT NOT NULL, author_id INTEGER NOT NULL REFERENCES authors (id))")
            db.executemany("INSERT INTO authors (id, name) VALUES (?, ?)", enumerate(AUTHORS, start=1))
            db.executemany(
                "INSERT INTO books (id, title, author_id) VALUES (?, ?, ?)",
                [(n, "Book %d" % n, (n - 1) % len(AUTHORS) + 1) for n in range(1, BOOKS_IN_CATALOGUE + 1)],
            )
        db.close()
        self._engine = None

    def _remove(self, owner):
        # Forked workers inherit this exit hook: only the process that made the file removes it.
        if os.getpid() == owner and os.path.exists(self.path):
            os.remove(self.path)

    def _connect(self):
        # One connection per request: sqlite3 connections belong to the thread that made them.
        return sqlite3.connect(self.path)

    def books_one_author_at_a_time(self, n):
        db = self._connect()
        try:
            books = db.execute("SELECT id, title, author_id FROM books ORDER BY id LIMIT ?", (n,)).fetchall()
            return [{"id": i, "title": title, "author": db.execute(AUTHOR_BY_ID, (author,)).fetchone()[0]} for i, title, author in books]
        finally:
            db.close()

    def books_joined(self, n):
        db = self._connect()
        try:
            rows = db.execute(
                "SELECT books.id, books.title, authors.name FROM books JOIN authors ON authors.id = books.author_id ORDER BY books.id LIMIT ?", (n,)
            ).fetchall()
            return [{"id": i, "title": title, "author": author} for i, title, author in rows]
        finally:
            db.close()

    def _sqlalchemy_engine(self, sqlalchemy):
        if self._engine is None:
            self._engine = sqlalchemy.create_engine("sqlite:///" + self.path)
        return self._engine

    def connect_sqlalchemy(self):
        """Opens SQLAlchemy's first connection now, when it is installed: its first connect runs
        statements of its own (the dialect's checks), which then belong to no request."""
        try:
            import sqlalchemy
        except ImportError:
            return
        self._sqlalchemy_engine(sqlalchemy).connect().close()

    def books_through_sqlalchemy(self, n):
        """None when SQLAlchemy is not installed."""
        try:
            import sqlalchemy
        except ImportError:
            return None
        with self._sqlalchemy_engine(sqlalchemy).connect() as conn:
            books = conn.execute(sqlalchemy.text("SELECT id, title, author_id FROM books ORDER BY id LIMIT :n"), {"n": n}).fetchall()
            author = sqlalchemy.text("SELECT name FROM authors WHERE id = :id")
            return [{"id": i, "title": title, "author": conn.execute(author, {"id": a}).scalar()} for i, title, a in books]
