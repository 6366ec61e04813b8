"""SQL statements as a call's span carries them: literals replaced by `?` (the database semantic
conventions' "sanitized" db.query.text; a literal may be a password or a customer's name), the
operation, the table, and the span name `SELECT books` the conventions ask for."""
import re

MAX_STATEMENT = 2048

# One pass over the statement, the earliest match winning, so that a quote inside a comment or a
# `--` inside a string is read as what it is. Double-quoted and backquoted names are identifiers
# (kept); numbers that end an identifier (t1, col_2) are part of it (kept).
_TOKENS = re.compile(
    r"""
    (?=[-/'"`\[0-9.$xXbBnNeE])  # most characters start no token: say so at once
    (?:(?P<comment>--[^\n]*|/\*.*?(?:\*/|$))
    | (?P<string>[xXbBnNeE]?'(?:[^']|'')*(?:'|$))
    | (?P<identifier>"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\])
    | (?P<hex>\b0[xX][0-9a-fA-F]+\b)
    | (?P<number>(?<![\w$.])(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
    | (?P<dollar>\$(?P<tag>[A-Za-z_]*)\$.*?\$(?P=tag)\$))
    """,
    re.VERBOSE | re.DOTALL,
)
# `IN (?, ?, ?)` → `IN (?)`: a list's length varies from request to request, the query does not.
_IN_LIST = re.compile(r"\bIN\s*\(\s*\?(?:\s*,\s*\?)*\s*\)", re.IGNORECASE)
# `VALUES (?, ?), (?, ?)` → `VALUES (?, ?)`: one row stands for them all.
_VALUES_ROWS = re.compile(r"(\bVALUES\s*(\([?,\s]*\)))(?:\s*,\s*\([?,\s]*\))+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_NAME = r"(\"[^\"]+\"|`[^`]+`|\[[^\]]+\]|[\w.]+)"

_COLLECTION = (
    ("SELECT", re.compile(r"\bFROM\s+" + _NAME, re.IGNORECASE)),
    ("DELETE", re.compile(r"\bFROM\s+" + _NAME, re.IGNORECASE)),
    ("INSERT", re.compile(r"\bINTO\s+" + _NAME, re.IGNORECASE)),
    ("REPLACE", re.compile(r"\bINTO\s+" + _NAME, re.IGNORECASE)),
    ("UPDATE", re.compile(r"^\s*UPDATE\s+(?:OR\s+\w+\s+)?" + _NAME, re.IGNORECASE)),
    ("CREATE", re.compile(r"\b(?:TABLE|INDEX|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?" + _NAME, re.IGNORECASE)),
    ("DROP", re.compile(r"\b(?:TABLE|INDEX|VIEW)\s+(?:IF\s+EXISTS\s+)?" + _NAME, re.IGNORECASE)),
)


def _replace(match):
    kind = match.lastgroup
    if kind == "comment":
        return " "
    if kind == "identifier":
        return match.group(0)
    return "?"


def normalize(statement):
    """The statement without its literals: strings, numbers, hex and dollar-quoted text become `?`,
    comments go, IN lists and multi-row VALUES collapse, whitespace is one space."""
    text = _TOKENS.sub(_replace, str(statement))
    text = _IN_LIST.sub("IN (?)", text)
    text = _VALUES_ROWS.sub(r"\1", text)
    text = _SPACE.sub(" ", text).strip()
    return text[:MAX_STATEMENT] + ("…" if len(text) > MAX_STATEMENT else "")


def operation(normalized):
    """The first keyword, upper case (SELECT, INSERT, …, WITH), or None."""
    match = re.match(r"\s*\(?\s*([A-Za-z]+)", normalized)
    return match.group(1).upper() if match else None


def collection(normalized, op):
    """The table a simple statement works on (the first after FROM/INTO/UPDATE/TABLE), or None."""
    for name, pattern in _COLLECTION:
        if name == op:
            match = pattern.search(normalized)
            if match:
                return match.group(1).strip("\"`[]")
    return None


# An app runs the same few statements over and over (bound parameters keep them identical): describe
# each once. Bounded, so statements with inlined literals, all different, cannot grow it for ever.
_DESCRIBED = {}
_DESCRIBED_MAX = 512


def describe(statement):
    """(normalized text, operation, table) of a statement, remembered for the statements seen last."""
    key = statement if isinstance(statement, str) else str(statement)
    found = _DESCRIBED.get(key)
    if found is None:
        text = normalize(key)
        op = operation(text)
        found = (text, op, collection(text, op))
        if len(_DESCRIBED) >= _DESCRIBED_MAX:
            _DESCRIBED.clear()
        _DESCRIBED[key] = found
    return found


def span_name(op, table, system):
    """`SELECT books`, else `SELECT`, else the system's name (semantic conventions for database spans)."""
    if op and table:
        return "%s %s" % (op, table)
    return op or system
