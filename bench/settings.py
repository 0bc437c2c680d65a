"""The production settings plus the benchmark's app: its data generator and reference views.

Only bench/run.py uses these (DJANGO_SETTINGS_MODULE=bench.settings); the installed package
and the Docker image leave bench/ out, so production cannot serve its unthrottled URLs.
"""

from aidtracker.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
ROOT_URLCONF = "bench.urls"
