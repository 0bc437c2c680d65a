"""A statement that runs past the web requests' time limit is cancelled by PostgreSQL, and the
request answers 503 with Retry-After at once instead of holding a worker."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from requests_app import filters

POSTGRES_URL = "postgres://u:p@db:5432/aidtracker"


def database_options(code: str, **env) -> str:
    """The database OPTIONS the settings make, after running `code` (no connection is made)."""
    script = (
        f"import os; {code}; import django; "
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'aidtracker.settings'); django.setup(); "
        "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS'))"
    )
    clean = {k: v for k, v in os.environ.items() if k != "STATEMENT_TIMEOUT_MS"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**clean, "DATABASE_URL": POSTGRES_URL, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_the_app_server_limits_statements_and_commands_do_not():
    assert "statement_timeout=5000" in database_options("import aidtracker.wsgi")
    assert "statement_timeout" not in database_options("pass")
    assert "statement_timeout=250" in database_options("pass", STATEMENT_TIMEOUT_MS="250")


@pytest.fixture
def slow_request_filter(monkeypatch):
    """Every filtered request list first runs a statement of five seconds."""
    original = filters.AidRequestFilter.filter_queryset

    def slow(self, queryset):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(5)")
        return original(self, queryset)

    monkeypatch.setattr(filters.AidRequestFilter, "filter_queryset", slow)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="statement_timeout is PostgreSQL's: run the suite with DATABASE_URL=postgres://…",
)
@pytest.mark.parametrize("url", ["/requests/?q=air", "/api/v1/requests/?q=air"])
def test_a_statement_past_the_limit_answers_503_quickly(db, slow_request_filter, url):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 200")
    started = time.monotonic()

    response = Client(raise_request_exception=False).get(url)

    assert time.monotonic() - started < 2
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "took too long" in response.content.decode()
