"""The WSGI application, for Gunicorn (`gunicorn shop.wsgi`) and for `manage.py runserver`
(WSGI_APPLICATION names it). hopscope's one line is the last one."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "integrations", "wsgi"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

import hopscope_wsgi  # noqa: E402

application = hopscope_wsgi.instrument(get_wsgi_application(), service_name=os.environ.get("OTEL_SERVICE_NAME", "django-example"))
