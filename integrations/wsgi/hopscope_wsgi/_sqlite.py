"""sqlite3 queries as calls: sqlite3.connect hands out a connection whose cursors record each
execute, executemany and executescript (the connection's own shortcuts go through a cursor).
Connections opened before instrument() are not recorded."""
import os
import sqlite3
import sqlite3.dbapi2

from . import _calls, _sql
from ._spans import DB_COLLECTION_NAME, DB_NAMESPACE, DB_OPERATION_NAME, DB_QUERY_TEXT, DB_SYSTEM, DB_SYSTEM_NAME

SYSTEM = "sqlite"
# sqlite3.connect(database, timeout, detect_types, isolation_level, check_same_thread, factory, …)
_FACTORY_POSITION = 4


def install():
    for module in (sqlite3, sqlite3.dbapi2):
        original = module.connect
        if not getattr(original, "_hopscope", False):
            module.connect = _traced_connect(original)


def _traced_connect(original):
    def connect(database, *args, **kwargs):
        try:
            if len(args) > _FACTORY_POSITION:
                args = list(args)
                args[_FACTORY_POSITION] = _traced(args[_FACTORY_POSITION], _TracedConnection, sqlite3.Connection)
            else:
                kwargs["factory"] = _traced(kwargs.get("factory", sqlite3.Connection), _TracedConnection, sqlite3.Connection)
        except Exception:
            pass
        connection = original(database, *args, **kwargs)
        try:
            connection._hopscope_namespace = namespace(database)
        except Exception:
            pass
        return connection

    connect._hopscope = True
    connect.__wrapped__ = original
    connect.__doc__ = original.__doc__
    return connect


def namespace(database):
    """The database's file name (db.namespace): `books.db`, `:memory:`; a URI without its query."""
    name = os.fsdecode(os.fspath(database)) if not isinstance(database, str) else database
    if name.startswith("file:"):
        name = name[len("file:") :].split("?", 1)[0]
    return name if name in ("", ":memory:") else os.path.basename(name) or name


_classes = {}


def _traced(factory, mixin, base):
    """`factory` with the mixin on top (cached), or `factory` itself when it is not a class of `base`."""
    if not (isinstance(factory, type) and issubclass(factory, base)) or issubclass(factory, mixin):
        return factory
    key = (factory, mixin)
    if key not in _classes:
        _classes[key] = type("Traced" + factory.__name__, (mixin, factory), {"__module__": __name__})
    return _classes[key]


class _TracedConnection:
    def cursor(self, factory=sqlite3.Cursor):
        return super().cursor(_traced(factory, _TracedCursor, sqlite3.Cursor))

    def execute(self, sql, parameters=()):
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql, parameters):
        return self.cursor().executemany(sql, parameters)

    def executescript(self, script):
        return self.cursor().executescript(script)


class _TracedCursor:
    def execute(self, sql, parameters=()):
        return _recorded(self, sql, lambda: super(_TracedCursor, self).execute(sql, parameters))

    def executemany(self, sql, parameters):
        return _recorded(self, sql, lambda: super(_TracedCursor, self).executemany(sql, parameters))

    def executescript(self, script):
        return _recorded(self, script, lambda: super(_TracedCursor, self).executescript(script))


def _recorded(cursor, statement, run):
    span = _calls.start(SYSTEM)
    if span is not None:
        try:
            describe(span, statement, SYSTEM, getattr(cursor.connection, "_hopscope_namespace", None))
        except Exception:
            pass
    try:
        result = run()
    except BaseException as exc:
        _calls.finish(span, exc)
        raise
    _calls.finish(span)
    return result


def describe(span, statement, system, database):
    """The database semantic conventions' attributes and span name, the statement without literals."""
    text, op, table = _sql.describe(statement)
    span.name = _sql.span_name(op, table, system)
    attributes = span.attributes
    attributes[DB_SYSTEM_NAME] = system
    attributes[DB_SYSTEM] = system
    attributes[DB_QUERY_TEXT] = text
    if op:
        attributes[DB_OPERATION_NAME] = op
    if table:
        attributes[DB_COLLECTION_NAME] = table
    if database:
        attributes[DB_NAMESPACE] = database
