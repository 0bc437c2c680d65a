"""Reads from a replica: the router, and the app on a primary and a streaming replica of the test's
own (PostgreSQL clusters it creates, starts and removes)."""

import json
import subprocess
import sys
import time
import urllib.request

import pytest
from django.db import transaction

from aidtracker.routers import ReplicaRouter
from requests_app.models import Actor, DataVersion

from .servers import (
    BASE,
    BASE_ENV,
    PRODUCTION,
    Cluster,
    collect_static,
    fetch,
    free_port,
    postgres_binaries,
    serve,
    stop,
)


def test_reads_go_to_the_replica_and_everything_in_a_write_s_transaction_to_the_primary(
    transactional_db,
):
    router = ReplicaRouter()
    assert router.db_for_read(Actor) == "replica"
    assert router.db_for_read(DataVersion) == "replica"  # the data version with the rows
    assert router.db_for_write(Actor) == "default"
    with transaction.atomic():
        assert router.db_for_read(Actor) == "default"
        assert router.db_for_read(DataVersion) == "default"
    assert router.allow_migrate("default", "requests_app")
    assert not router.allow_migrate("replica", "requests_app")


@pytest.fixture
def primary_and_replica(tmp_path):
    """A primary whose commits return once its streaming replica has applied them
    (synchronous_commit = remote_apply), migrated and seeded, and the replica."""
    binaries = postgres_binaries()
    primary = Cluster(binaries)
    replica = Cluster(binaries, primary=primary)
    env = {
        **BASE_ENV,
        **PRODUCTION,
        "DATABASE_URL": primary.url,
        "DATABASE_REPLICA_URL": replica.url,
        "DJANGO_SUPERUSER_USERNAME": "ana",
        "DJANGO_SUPERUSER_EMAIL": "ana@example.org",
        "DJANGO_SUPERUSER_PASSWORD": "a long password for tests",
    }
    for command in (["migrate", "-v0"], ["load_seed", "-v0"], ["createsuperuser", "--noinput"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=BASE, env=env, check=True)
    token = subprocess.run(
        [sys.executable, "manage.py", "api_token", "ana"],
        cwd=BASE,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # Synchronous from here on (the setup's many commits need not wait), once the replica has
    # applied the setup.
    primary.sql("ALTER SYSTEM SET synchronous_standby_names = '*'")
    primary.sql("ALTER SYSTEM SET synchronous_commit = 'remote_apply'")
    primary.sql("SELECT pg_reload_conf()")
    written = primary.sql("SELECT pg_current_wal_lsn()")
    while replica.sql(f"SELECT pg_last_wal_replay_lsn() >= '{written}'") != "t":
        time.sleep(0.1)
    yield primary, replica, token, collect_static(tmp_path / "static")
    replica.remove()
    primary.remove()


def description(base: str) -> str:
    return json.loads(fetch(base + "/api/v1/actors/ukraine/")[2])["description"]


@pytest.mark.slow
def test_the_app_reads_from_the_replica_writes_to_the_primary_and_reads_its_writes(
    primary_and_replica,
):
    primary, replica, token, static = primary_and_replica
    port = free_port()
    env = {"DATABASE_URL": primary.url, "DATABASE_REPLICA_URL": replica.url, **static}
    server = serve({**env, "TRUST_X_FORWARDED_PROTO": "1"}, port)
    base = f"http://127.0.0.1:{port}"
    try:
        seeded = description(base)

        # A write the replica has not applied yet: the app does not see it, cached or not.
        replica.sql("SELECT pg_wal_replay_pause()")
        primary.sql(
            "SET synchronous_commit = local; "
            "UPDATE requests_app_actor SET description = 'On the primary' WHERE slug = 'ukraine'"
        )
        behind = [description(base) for _ in range(2)]
        replica.sql("SELECT pg_wal_replay_resume()")
        deadline = time.monotonic() + 15
        while description(base) != "On the primary" and time.monotonic() < deadline:
            time.sleep(0.2)
        # The version and the rows come from the same database: no stale page under a new one.
        caught_up = description(base)

        version = int(primary.sql("SELECT number FROM requests_app_dataversion"))
        request = urllib.request.Request(
            f"{base}/api/v1/actors/ukraine/",
            data=json.dumps({"description": "Through the app"}).encode(),
            method="PATCH",
            headers={
                "Authorization": f"Token {token}",
                "Content-Type": "application/json",
                "X-Forwarded-Proto": "https",
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            written = response.status
        next_read = description(base)
    finally:
        stop(server)

    assert seeded != "On the primary"
    assert behind == [seeded, seeded]
    assert caught_up == "On the primary"
    assert written == 200  # the replica is read-only: the write went to the primary
    assert next_read == "Through the app"
    assert int(primary.sql("SELECT number FROM requests_app_dataversion")) > version
    assert replica.sql("SELECT pg_is_in_recovery()") == "t"
