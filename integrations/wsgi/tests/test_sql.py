"""Statements as calls carry them: never a literal (a password, a customer's name), one text per
query shape so that the same query run ten times is recognisably the same."""
import unittest

from support import PACKAGE_DIR  # noqa: F401  (puts the package on sys.path)

from hopscope_wsgi import _sql


class Normalize(unittest.TestCase):
    def test_literals_become_placeholders(self):
        cases = {
            "SELECT name FROM authors WHERE id = 42": "SELECT name FROM authors WHERE id = ?",
            "SELECT * FROM users WHERE email = 'ann@example.com' AND pw = 'it''s s3cret'": "SELECT * FROM users WHERE email = ? AND pw = ?",
            "UPDATE t SET blob = X'DEADBEEF', n = 0x1F, f = 2.5e-3, g = .5": "UPDATE t SET blob = ?, n = ?, f = ?, g = ?",
            "SELECT * FROM t WHERE id IN (1, 2, 3, 4)": "SELECT * FROM t WHERE id IN (?)",
            "SELECT * FROM t WHERE id IN (?,?,?)": "SELECT * FROM t WHERE id IN (?)",
            "INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')": "INSERT INTO t (a, b) VALUES (?, ?)",
            "SELECT $$dollar 'quoted'$$ FROM t": "SELECT ? FROM t",
        }
        for statement, expected in cases.items():
            self.assertEqual(_sql.normalize(statement), expected, statement)

    def test_names_comments_and_placeholders(self):
        # Identifiers keep their digits and quotes; comments (which may quote data) go; bound parameters stay.
        self.assertEqual(
            _sql.normalize('SELECT t1.col_2, "Order 66" FROM t1 -- the 5 o\'clock run\nWHERE a = ? /* 42 */ AND b = :name'),
            'SELECT t1.col_2, "Order 66" FROM t1 WHERE a = ? AND b = :name',
        )
        self.assertEqual(_sql.normalize("SELECT '-- not a comment', 7"), "SELECT ?, ?")

    def test_an_unterminated_string_is_still_hidden(self):
        self.assertEqual(_sql.normalize("SELECT * FROM t WHERE pw = 'hunter2"), "SELECT * FROM t WHERE pw = ?")

    def test_long_statements_are_cut(self):
        text = _sql.normalize("SELECT " + ", ".join("c%d" % i for i in range(2000)) + " FROM t")
        self.assertEqual(len(text), _sql.MAX_STATEMENT + 1)
        self.assertTrue(text.endswith("…"))

    def test_descriptions_are_remembered_within_a_bound(self):
        first = _sql.describe("SELECT a FROM t WHERE b = 1")
        self.assertIs(_sql.describe("SELECT a FROM t WHERE b = 1"), first)
        self.assertEqual(first, ("SELECT a FROM t WHERE b = ?", "SELECT", "t"))
        for n in range(_sql._DESCRIBED_MAX * 2):
            _sql.describe("SELECT %d" % n)
        self.assertLessEqual(len(_sql._DESCRIBED), _sql._DESCRIBED_MAX)

    def test_operation_table_and_span_name(self):
        for statement, name in (
            ("select a from books join authors on 1=1", "SELECT books"),
            ("INSERT INTO authors (name) VALUES (?)", "INSERT authors"),
            ("UPDATE OR REPLACE books SET a = 1", "UPDATE books"),
            ("DELETE FROM books", "DELETE books"),
            ('CREATE TABLE IF NOT EXISTS "my books" (id)', "CREATE my books"),
            ("PRAGMA journal_mode", "PRAGMA"),
            ("", "sqlite"),
        ):
            text = _sql.normalize(statement)
            op = _sql.operation(text)
            self.assertEqual(_sql.span_name(op, _sql.collection(text, op), "sqlite"), name, statement)


if __name__ == "__main__":
    unittest.main()
