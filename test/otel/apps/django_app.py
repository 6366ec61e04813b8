"""A one-file Django project (settings, URLs, views) with no OpenTelemetry code of its
own: `manage.py runserver` under `opentelemetry-instrument`, DJANGO_SETTINGS_MODULE=django_app."""
import os
import sys

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
SECRET_KEY = "test-only-not-a-secret"
ROOT_URLCONF = "django_app"
INSTALLED_APPS = []
MIDDLEWARE = []

from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402


def item(request, item_id):
    return JsonResponse({"id": item_id, "name": f"item {item_id}"})


def boom(request):
    raise ValueError("kaboom")


urlpatterns = [path("items/<int:item_id>", item), path("boom", boom)]

if __name__ == "__main__":
    from django.core.management import execute_from_command_line

    # Without the reloader: it would run the app in a child the instrumentation does not reach.
    execute_from_command_line([sys.argv[0], "runserver", "--noreload", f"127.0.0.1:{os.environ['PORT']}"])
