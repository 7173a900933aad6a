"""WSGI entry point for Pika."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pika.settings")
# Requests log in as the web role, which owns nothing and bypasses nothing.
os.environ.setdefault("PIKA_DATABASE_LOGIN", "web")

application = get_wsgi_application()
