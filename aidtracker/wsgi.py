"""WSGI entry point for gunicorn: `gunicorn aidtracker.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aidtracker.settings")
# Web requests, unlike commands, must not hold a worker on one slow statement (settings.py).
os.environ.setdefault("STATEMENT_TIMEOUT_MS", "5000")

application = get_wsgi_application()
