"""The Celery app of the worker that delivers alerts: `celery -A aidtracker worker --beat`.
The web app never calls it: it records changes in the outbox, and the worker takes them.

Its settings are Django's CELERY_* settings; its tasks are in alerts/tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aidtracker.settings")

app = Celery("aidtracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
