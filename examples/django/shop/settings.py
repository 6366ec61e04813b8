"""Settings for the example Django app: no database, no templates, only views and URLs.
HOST names the address it is reached at besides loopback (ALLOWED_HOSTS)."""
import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "hopscope-example-not-secret")
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"] + [h for h in [os.environ.get("HOST", "")] if h]
ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"
INSTALLED_APPS = []
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
DATABASES = {}
USE_TZ = True
