"""docker-compose.yml is checked statically: no Docker engine runs on these machines."""

import os
import subprocess
from pathlib import Path

import compose
import pytest
import yaml
from django.conf import settings

COMPOSE_FILE = settings.BASE_DIR / "docker-compose.yml"
COMPOSE_BINARY = Path(compose.__file__).parent / "docker-compose"


def compose_config(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [COMPOSE_BINARY, "-f", COMPOSE_FILE, "config", "-q"],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def spec() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def test_compose_file_is_valid_with_its_secrets_supplied():
    result = compose_config(POSTGRES_PASSWORD="pw", SECRET_KEY="k")
    assert result.returncode == 0, result.stderr


def test_compose_refuses_to_start_without_secrets():
    result = compose_config()
    assert result.returncode != 0
    assert "POSTGRES_PASSWORD" in result.stderr or "SECRET_KEY" in result.stderr


def test_web_waits_for_a_healthy_database(spec):
    assert spec["services"]["web"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert "pg_isready" in " ".join(spec["services"]["db"]["healthcheck"]["test"])


def test_database_keeps_its_data_in_a_named_volume(spec):
    assert "pgdata" in spec["volumes"]
    assert spec["services"]["db"]["volumes"] == ["pgdata:/var/lib/postgresql/data"]


def test_ports_are_bound_to_loopback_only(spec):
    for service in spec["services"].values():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), port
