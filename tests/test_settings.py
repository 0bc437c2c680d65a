"""Settings come from the environment and a `.env` file, closed by default: production unless
DEBUG=1, and no key unless one is given."""

import os
import re
import shlex
import stat
import subprocess
import sys

import pytest
from django.conf import settings

PRINT_SETTINGS = (
    "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'aidtracker.settings'); "
    "django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE'])"
)
STRONG_KEY = "tests-only-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEF"


def run_settings(env_file: str = "/nonexistent/.env", **env) -> subprocess.CompletedProcess:
    """The settings in a new process, with no DEBUG, key or database in its environment, and no
    `.env` file unless `env_file` names one."""
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}
    }
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        env={**clean, "ENV_FILE": env_file, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_with_no_environment_it_refuses_to_start_without_a_key():
    result = run_settings()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_without_debug_set_it_runs_in_production_mode():
    result = run_settings(SECRET_KEY=STRONG_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"


@pytest.mark.parametrize(
    "key",
    ["x" * 49, "abcd" * 20, "django-insecure-" + STRONG_KEY],
    ids=["49 characters", "4 distinct characters", "Django's insecure prefix"],
)
def test_a_weak_key_is_refused_in_production(key):
    result = run_settings(SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY is too weak for production" in result.stderr
    assert key not in result.stderr


def test_debug_is_on_only_when_asked_for():
    result = run_settings(DEBUG="1", SECRET_KEY="dev")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "True"
    assert "django.db.backends.sqlite3" in result.stdout


def test_production_settings_come_from_the_environment():
    result = run_settings(
        DEBUG="false",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="aidtracker.example, www.aidtracker.example",
        DATABASE_URL="postgres://u:p@db:5432/aidtracker",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 1)[0] == "False"
    assert "['aidtracker.example', 'www.aidtracker.example']" in result.stdout
    assert "django.db.backends.postgresql" in result.stdout


@pytest.fixture
def dev_env(tmp_path):
    """The development `.env` that `make run` and `make test` write, made in an empty folder."""
    command = ["make", "-s", "-C", str(tmp_path), "-f", str(settings.BASE_DIR / "Makefile"), ".env"]
    subprocess.run(command, check=True, capture_output=True)
    return tmp_path / ".env"


def test_make_writes_a_development_env_that_the_settings_read(dev_env):
    values = dict(line.split("=", 1) for line in dev_env.read_text().splitlines() if "=" in line)
    assert values["DEBUG"] == "1"
    assert len(values["SECRET_KEY"]) >= 50
    assert stat.S_IMODE(dev_env.stat().st_mode) == 0o600

    result = run_settings(env_file=str(dev_env))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "True"


def test_make_keeps_an_existing_env_and_the_environment_wins_over_it(dev_env):
    dev_env.write_text(f"DEBUG=1\nSECRET_KEY='{STRONG_KEY}'\n")
    written = dev_env.read_text()
    subprocess.run(
        [
            "make",
            "-s",
            "-C",
            str(dev_env.parent),
            "-f",
            str(settings.BASE_DIR / "Makefile"),
            ".env",
        ],
        check=True,
        capture_output=True,
    )
    assert dev_env.read_text() == written

    result = run_settings(env_file=str(dev_env), DEBUG="0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"


def test_the_dockerfiles_collectstatic_key_is_accepted_in_production():
    dockerfile = (settings.BASE_DIR / "Dockerfile").read_text()
    line = re.search(r"^RUN (.*) python manage\.py collectstatic", dockerfile, re.M).group(1)
    build_env = dict(word.split("=", 1) for word in shlex.split(line))
    assert build_env["DEBUG"] == "0"
    result = run_settings(**build_env)
    assert result.returncode == 0, result.stderr


def test_a_mistyped_boolean_is_refused():
    result = run_settings(DEBUG="maybe", SECRET_KEY=STRONG_KEY)
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_an_empty_api_throttle_turns_the_limit_off():
    show = PRINT_SETTINGS.replace(
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE'])",
        "print(s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'])",
    )
    result = subprocess.run(
        [sys.executable, "-c", show],
        env={
            **os.environ,
            "API_THROTTLE_ANON": "",
            "API_THROTTLE_USER": "10/minute",
            "PAGE_THROTTLE": "",
            "CSV_THROTTLE": "2/minute",
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == (
        "{'anon': None, 'user': '10/minute', 'pages': None, 'csv': '2/minute'}"
    )


def test_api_tokens_last_api_token_days():
    show = PRINT_SETTINGS.replace(
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE'])",
        "print(s.REST_KNOX['TOKEN_TTL'].days)",
    )
    result = subprocess.run(
        [sys.executable, "-c", show],
        env={**os.environ, "API_TOKEN_DAYS": "7"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "7"
