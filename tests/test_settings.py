"""Settings come from the environment, with safe development defaults."""

import os
import subprocess
import sys

from django.conf import settings

PRINT_SETTINGS = (
    "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'aidtracker.settings'); "
    "django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE'])"
)


def run_settings(**env) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}
    }
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        env={**clean, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_development_defaults_use_sqlite_with_debug_on():
    result = run_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "True"
    assert "django.db.backends.sqlite3" in result.stdout


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = run_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_settings_come_from_the_environment():
    result = run_settings(
        DEBUG="false",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="aidtracker.example, www.aidtracker.example",
        DATABASE_URL="postgres://u:p@db:5432/aidtracker",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 1)[0] == "False"
    assert "['aidtracker.example', 'www.aidtracker.example']" in result.stdout
    assert "django.db.backends.postgresql" in result.stdout


def test_a_mistyped_boolean_is_refused():
    result = run_settings(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_an_empty_api_throttle_turns_the_limit_off():
    show = PRINT_SETTINGS.replace(
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE'])",
        "print(s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'])",
    )
    result = subprocess.run(
        [sys.executable, "-c", show],
        env={**os.environ, "API_THROTTLE_ANON": "", "API_THROTTLE_USER": "10/minute"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "{'anon': None, 'user': '10/minute'}"
