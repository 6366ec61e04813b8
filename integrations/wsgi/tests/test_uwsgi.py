"""uWSGI runs Python without threads unless --enable-threads: the exporter's thread would
never run. Without threads, spans go from uWSGI's after-request hook, after the response.
Real uWSGI (Debian's uwsgi with its python3 plugin) against a real receiver; a stand-in
uwsgi module for the budget and back-off."""
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import types
import unittest
import urllib.request
from unittest import mock

from support import CleanEnvironment, Receiver, attributes_of, call, hello_app

import hopscope_wsgi
from hopscope_wsgi import _exporter, _spans, _uwsgi

UWSGI = shutil.which("uwsgi")
APP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "uwsgi_app.py")
WARNING = "start uWSGI with --enable-threads"


def _python3_plugin():
    if UWSGI is None:
        return False
    probe = subprocess.run([UWSGI, "--plugin", "python3", "--version"], capture_output=True, timeout=10)
    return probe.returncode == 0


HAVE_UWSGI = _python3_plugin()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RealUwsgi:
    def __init__(self, endpoint, *flags, env=None):
        self.port = free_port()
        self.log = tempfile.TemporaryFile()
        environment = dict(os.environ, OTEL_EXPORTER_OTLP_ENDPOINT=endpoint, **(env or {}))
        # One worker, so consecutive requests show whether the worker is still busy exporting.
        command = [UWSGI, "--plugin", "python3", "--http-socket", "127.0.0.1:%d" % self.port, "--wsgi-file", APP]
        command += ["--master", "--processes", "1", "--die-on-term", "--need-app", *flags]
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, env=environment)
        deadline = time.time() + 15
        while True:
            if self.process.poll() is not None:
                raise AssertionError("uwsgi exited: %s" % self.output())
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if time.time() > deadline:
                    raise AssertionError("uwsgi did not listen: %s" % self.output())
                time.sleep(0.05)

    def get(self, path):
        started = time.monotonic()
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open("http://127.0.0.1:%d%s" % (self.port, path), timeout=10) as r:
            body = r.read()
        return body, time.monotonic() - started

    def output(self):
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@unittest.skipUnless(HAVE_UWSGI, "uwsgi with the python3 plugin is not installed")
class RealUwsgiWithoutThreads(CleanEnvironment):
    def start(self, receiver, *flags, env=None):
        server = RealUwsgi(receiver.endpoint, *flags, env=env)
        self.addCleanup(server.stop)
        return server

    def test_spans_arrive_without_enable_threads_and_the_flag_is_named_once(self):
        receiver = Receiver()
        self.addCleanup(receiver.close)
        server = self.start(receiver)
        for path in ("/one", "/two", "/three"):
            self.assertEqual(server.get(path)[0], b"hello")
        for path in ("/one", "/two", "/three"):
            span = receiver.wait_for_path(path)
            self.assertIsNotNone(span, "no span for %s; uwsgi said:\n%s" % (path, server.output()))
        workers = {attributes_of(s)["hopscope.worker"] for s in receiver.spans}
        self.assertEqual(len(workers), 1)  # the one uWSGI worker, not this process
        self.assertNotIn(str(os.getpid()), workers)
        self.assertEqual(server.output().count(WARNING), 1, server.output())

    def test_a_hub_that_does_not_answer_does_not_hold_the_response(self):
        # The hub holds every export for 60 s and the worker would wait 30 s for it: only an export
        # made after the response has gone lets the client have its answer within the 10 s it waits.
        receiver = Receiver(delay=60.0)
        self.addCleanup(receiver.close)
        server = self.start(receiver, env={"SYNC_BUDGET_SECONDS": "30"})
        self.assertEqual(server.get("/held")[0], b"hello")
        deadline = time.time() + 10
        while receiver.posts == 0 and time.time() < deadline:
            time.sleep(0.02)
        self.assertEqual(receiver.posts, 1, "the spans were never sent: %s" % server.output())
        self.assertEqual(receiver.spans, [])  # still held by the hub when the client had its answer
        receiver.release()

    def test_an_after_request_hook_the_app_set_first_still_runs(self):
        receiver = Receiver()
        self.addCleanup(receiver.close)
        server = self.start(receiver, env={"APP_HOOK": "before"})
        server.get("/chained")
        self.assertIsNotNone(receiver.wait_for_path("/chained"), server.output())
        deadline = time.time() + 5
        while "app hook ran" not in server.output() and time.time() < deadline:
            time.sleep(0.05)
        self.assertIn("app hook ran", server.output())

    def test_an_app_that_replaces_the_hook_still_gets_its_spans_exported(self):
        receiver = Receiver()
        self.addCleanup(receiver.close)
        server = self.start(receiver, env={"APP_HOOK": "after"})
        server.get("/replaced-1")
        server.get("/replaced-2")
        self.assertIsNotNone(receiver.wait_for_path("/replaced-1"), server.output())
        self.assertIsNotNone(receiver.wait_for_path("/replaced-2"), server.output())

    def test_with_enable_threads_the_background_thread_exports_and_nothing_is_said(self):
        receiver = Receiver()
        self.addCleanup(receiver.close)
        server = self.start(receiver, "--enable-threads")
        server.get("/threaded")
        self.assertIsNotNone(receiver.wait_for_path("/threaded"), server.output())
        self.assertNotIn(WARNING, server.output())


class StandInUwsgi(CleanEnvironment):
    """The sync path without uWSGI: a stand-in `uwsgi` module with has_threads = 0."""

    def setUp(self):
        super().setUp()
        self.uwsgi = types.ModuleType("uwsgi")
        self.uwsgi.has_threads = 0
        self.uwsgi.opt = {}
        for patcher in (
            mock.patch.dict(sys.modules, {"uwsgi": self.uwsgi}),
            mock.patch.object(_uwsgi, "_installed_on", None),
            mock.patch.object(_uwsgi, "EXPORTERS", []),
            mock.patch.object(sys, "stderr", io.StringIO()),
        ):
            patcher.start()
            self.addCleanup(patcher.stop)

    def test_detection_follows_has_threads(self):
        self.assertIs(_uwsgi.without_threads(), self.uwsgi)
        self.uwsgi.has_threads = 1
        self.assertIsNone(_uwsgi.without_threads())
        del self.uwsgi.has_threads
        self.uwsgi.opt = {"threads": b"4"}
        self.assertIsNone(_uwsgi.without_threads())
        self.uwsgi.opt = {}
        self.assertIs(_uwsgi.without_threads(), self.uwsgi)

    def test_no_thread_is_started_and_the_hook_sends(self):
        receiver = self.receiver()
        exporter = _exporter.Exporter("stand-in")
        self.assertTrue(callable(self.uwsgi.after_req_hook))
        exporter.enqueue([_spans.Span("s", "a" * 32, None)])
        self.assertIsNone(exporter._thread)
        self.assertEqual(receiver.spans, [])
        self.uwsgi.after_req_hook()
        self.assertEqual(len(receiver.spans), 1)  # sent synchronously, in the hook
        self.assertEqual(exporter.exported, 1)

    def test_a_slow_hub_costs_the_budget_once_then_backs_off(self):
        receiver = self.receiver(delay=30.0)
        exporter = _exporter.Exporter("slow")
        exporter.enqueue([_spans.Span("s", "a" * 32, None)] * 3)
        started = time.monotonic()
        self.uwsgi.after_req_hook()
        spent = time.monotonic() - started
        # Bounded by the budget, not by the hub's 30 s (the upper margin is for loaded machines).
        self.assertGreaterEqual(spent, _exporter.SYNC_BUDGET_SECONDS * 0.9)
        self.assertLess(spent, _exporter.SYNC_BUDGET_SECONDS + 5)
        self.assertEqual(exporter.dropped, 3)
        self.assertEqual(receiver.posts, 1)
        exporter.enqueue([_spans.Span("s", "a" * 32, None)])
        self.uwsgi.after_req_hook()
        # Backing off: no second attempt at the slow hub; the span waits in the bounded queue.
        self.assertEqual(receiver.posts, 1)
        self.assertEqual(len(exporter._queue), 1)

    def test_hopscope_middleware_under_the_stand_in_exports_per_request(self):
        receiver = self.receiver()
        app = hopscope_wsgi.HopscopeMiddleware(hello_app, "stand-in")
        call(app, "/a")
        self.uwsgi.after_req_hook()
        self.assertIsNotNone(receiver.wait_for_path("/a", timeout=0))


if __name__ == "__main__":
    unittest.main()
