"""SQLAlchemy's statements as calls, from its engine events (on the Engine class: every engine,
made before or after instrument()). A statement SQLAlchemy runs through sqlite3 is recorded here
once, with the dialect's name: the sqlite3 hook sees a call already running and stays out."""
import os

from . import _calls
from ._sqlite import describe

# The name the database semantic conventions give a system, where SQLAlchemy's dialect differs.
_SYSTEMS = {"postgresql": "postgresql", "mssql": "microsoft.sql_server", "oracle": "oracle.db", "mysql": "mysql", "mariadb": "mariadb"}
_KEY = "_hopscope_call"


def install():
    """Listens on every Engine when SQLAlchemy can be imported; nothing otherwise."""
    try:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine
    except ImportError:
        return
    if event.contains(Engine, "before_cursor_execute", _before):
        return
    event.listen(Engine, "before_cursor_execute", _before)
    event.listen(Engine, "after_cursor_execute", _after)
    event.listen(Engine, "handle_error", _failed)


def _before(conn, cursor, statement, parameters, context, executemany):
    span = _calls.start("sql")
    if span is None:
        return
    try:
        dialect = conn.dialect.name
        database = conn.engine.url.database
        describe(span, statement, _SYSTEMS.get(dialect, dialect), os.path.basename(database) if database else None)
    except Exception:
        pass
    started = _calls_of(conn)
    # A statement whose end never came (no event) must not make the list grow with the connection's age.
    del started[:-8]
    started.append(span)


def _after(conn, cursor, statement, parameters, context, executemany):
    _end(conn, None)


def _failed(exception_context):
    try:
        _end(exception_context.connection, exception_context.original_exception)
    except Exception:
        pass


def _end(conn, error):
    """Ends the call this connection started last (its statements run one at a time)."""
    try:
        started = _calls_of(conn)
        if started:
            _calls.finish(started.pop(), error)
    except Exception:
        pass


def _calls_of(conn):
    if conn is None:
        return []
    return conn.info.setdefault(_KEY, [])
