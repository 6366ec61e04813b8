"""W3C traceparent and X-Request-Start parsing: malformed input never raises."""
import unittest

import support  # noqa: F401  (puts the package on sys.path)
from hopscope_wsgi._ids import parse_request_start, parse_traceparent


class HeaderParsing(unittest.TestCase):
    def test_traceparent(self):
        self.assertEqual(parse_traceparent("00-%s-%s-01" % ("a" * 32, "b" * 16)), ("a" * 32, "b" * 16))
        for bad in (None, "", "garbage", "00-%s-%s-01" % ("0" * 32, "b" * 16), "ff-%s-%s-01" % ("a" * 32, "b" * 16), "x" * 600):
            self.assertIsNone(parse_traceparent(bad))

    def test_request_start(self):
        self.assertAlmostEqual(parse_request_start("t=1700000000123456"), 1700000000.123456, places=5)
        self.assertAlmostEqual(parse_request_start("1700000000.5"), 1700000000.5)
        for bad in (None, "", "t=abc", "t=12"):
            self.assertIsNone(parse_request_start(bad))


if __name__ == "__main__":
    unittest.main()
