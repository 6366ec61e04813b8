"""The app test_uwsgi.py runs under a real uWSGI. APP_HOOK=before|after sets an
after-request hook of the app's own before or after hopscope's middleware is made;
SYNC_BUDGET_SECONDS stretches the export budget, so that an export made before the
response were done would hold the response far longer than any machine's load could."""
import os
import sys

import uwsgi

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import hopscope_wsgi  # noqa: E402
from hopscope_wsgi import _exporter  # noqa: E402

if os.environ.get("SYNC_BUDGET_SECONDS"):
    _exporter.SYNC_BUDGET_SECONDS = float(os.environ["SYNC_BUDGET_SECONDS"])


def app_hook():
    sys.stderr.write("app hook ran\n")
    sys.stderr.flush()


def hello(environ, start_response):
    # No Content-Length: the client reads until uWSGI closes the connection, so anything done
    # before the close (rather than in the after-request hook) would delay the response.
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


if os.environ.get("APP_HOOK") == "before":
    uwsgi.after_req_hook = app_hook
application = hopscope_wsgi.HopscopeMiddleware(hello, "uwsgi-app")
if os.environ.get("APP_HOOK") == "after":
    uwsgi.after_req_hook = app_hook
