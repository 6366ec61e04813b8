"""The exporter: hub down, bounded queue, fork safety, OTLP headers and the resource
from the environment, all against a real local receiver."""
import os
import time
import unittest
from unittest import mock

from support import CleanEnvironment, call, hello_app

import hopscope_wsgi
from hopscope_wsgi import _exporter


class Exporting(CleanEnvironment):
    def test_hub_down_drops_and_counts_without_blocking_or_raising(self):
        os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9"
        app = hopscope_wsgi.HopscopeMiddleware(hello_app, "offline")
        for _ in range(20):
            captured, body = call(app)
            self.assertEqual(body, b"hello")
        exporter = app.exporter
        deadline = time.time() + 10
        while time.time() < deadline and exporter.dropped < 20:
            time.sleep(0.05)
        self.assertGreaterEqual(exporter.dropped, 20)

    def test_the_queue_is_bounded(self):
        exporter = _exporter.Exporter("bounded")
        exporter._thread = object()  # no sender thread: the queue can only fill up
        span = hopscope_wsgi._spans.Span("s", "a" * 32, None)
        exporter.enqueue([span] * (_exporter.MAX_QUEUE + 10))
        self.assertEqual(len(exporter._queue), _exporter.MAX_QUEUE)
        self.assertEqual(exporter.dropped, 10)

    def test_fork_safe_the_child_exports_with_its_own_thread(self):
        receiver = self.receiver()
        app = hopscope_wsgi.HopscopeMiddleware(hello_app, "forked")
        call(app)  # the parent starts its exporter thread before forking, like gunicorn --preload can
        receiver.wait_for(2)
        before = len(receiver.spans)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                exported_before = app.exporter.exported
                call(app, "/in-child")
                deadline = time.time() + 5
                while time.time() < deadline and app.exporter.exported < exported_before + 2:
                    time.sleep(0.02)
                code = 0 if app.exporter.exported == exported_before + 2 and app.exporter._pid == os.getpid() else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0)
        self.assertGreater(len(receiver.wait_for(before + 2)), before)
        self.assertIsNotNone(receiver.wait_for_path("/in-child"))

    def test_otlp_headers_from_the_environment_reach_the_receiver(self):
        """A hub with a token needs OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer%20TOKEN (the OTel spec's variable)."""
        receiver = self.receiver()
        # Percent-decoded values, '=' inside a value kept, the TRACES variable winning per name, and
        # malformed pairs (no '=', a bad name, a value that would split the header) never sent.
        os.environ["OTEL_EXPORTER_OTLP_HEADERS"] = "authorization=Bearer%20tok%3D%3D , x-tenant=one,novalue,bad name=1,x-evil=a%0D%0Ainjected: yes,content-type=text/plain"
        os.environ["OTEL_EXPORTER_OTLP_TRACES_HEADERS"] = "x-tenant=two"
        app = hopscope_wsgi.HopscopeMiddleware(hello_app, "headers")
        call(app, "/with-headers")
        receiver.wait_for(2)
        self.assertTrue(receiver.headers)
        sent = receiver.headers[0]
        self.assertEqual(sent.get("authorization"), "Bearer tok==")
        self.assertEqual(sent.get("x-tenant"), "two")
        self.assertEqual(sent.get("content-type"), "application/json")
        self.assertNotIn("x-evil", sent)
        self.assertNotIn("injected", sent)
        self.assertNotIn("novalue", sent)


class Resource(CleanEnvironment):
    def test_otel_resource_attributes_are_parsed_decoded_and_merged(self):
        receiver = self.receiver()
        os.environ["OTEL_RESOURCE_ATTRIBUTES"] = (
            " deployment.environment.name = staging ,service.version=1.2%2C3,team=caf%C3%A9%20ops,"
            "note=a=b,noequals,=nokey,service.name=from-resource-attributes,process.pid=1"
        )
        call(hopscope_wsgi.HopscopeMiddleware(hello_app, "from-code"), "/r")
        receiver.wait_for(2)
        resource = receiver.resources[0]
        self.assertEqual(resource["deployment.environment.name"], "staging")
        self.assertEqual(resource["service.version"], "1.2,3")
        self.assertEqual(resource["team"], "café ops")
        self.assertEqual(resource["note"], "a=b")
        self.assertNotIn("noequals", resource)
        self.assertNotIn("", resource)
        # The environment describes the deployment: it wins over the name given in code...
        self.assertEqual(resource["service.name"], "from-resource-attributes")
        # ...but the pid is always the exporting process's.
        self.assertEqual(resource["process.pid"], str(os.getpid()))

    def test_otel_service_name_wins_over_resource_attributes(self):
        receiver = self.receiver()
        os.environ["OTEL_RESOURCE_ATTRIBUTES"] = "service.name=from-resource-attributes,team=x"
        os.environ["OTEL_SERVICE_NAME"] = "from-service-name"
        call(hopscope_wsgi.HopscopeMiddleware(hello_app, "from-code"), "/r")
        receiver.wait_for(2)
        self.assertEqual(receiver.resources[0]["service.name"], "from-service-name")
        self.assertEqual(receiver.resources[0]["team"], "x")

    def test_without_the_environment_the_name_given_in_code_is_used(self):
        receiver = self.receiver()
        call(hopscope_wsgi.HopscopeMiddleware(hello_app, "from-code"), "/r")
        receiver.wait_for(2)
        self.assertEqual(receiver.resources[0], {"service.name": "from-code", "process.pid": str(os.getpid())})


class EnvironmentIsolation(unittest.TestCase):
    def test_a_test_leaves_os_environ_exactly_as_it_found_it(self):
        class Leaky(CleanEnvironment):
            def test(self):
                os.environ["OTEL_SDK_DISABLED"] = "true"
                os.environ["HOPSCOPE_EXPORT"] = "off"
                os.environ.pop("PATH", None)

        with mock.patch.dict(os.environ, {"OTEL_SERVICE_NAME": "from-the-caller"}):
            before = dict(os.environ)
            result = unittest.TestResult()
            Leaky("test").run(result)
            self.assertTrue(result.wasSuccessful(), result.errors)
            self.assertEqual(dict(os.environ), before)


if __name__ == "__main__":
    unittest.main()
