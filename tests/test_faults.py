"""Faults: concurrent writers on one request, and a database that goes away and comes back."""

import datetime
import json
import random
import subprocess
import sys
import threading
import time

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections

from requests_app import services
from requests_app.models import Actor, AidResponse, Citation, DataVersion
from requests_app.triggers import VERSION_TABLE

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

only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks are PostgreSQL's: run the suite with DATABASE_URL=postgres://…",
)


@only_postgresql
def test_concurrent_responses_leave_the_status_of_the_latest(transactional_db, make_request):
    aid_request = make_request()
    report = aid_request.citations.get()
    responder_id = aid_request.addressee_id
    decisions = [d for d in AidResponse.Decision if d != AidResponse.Decision.NO_COMMENT]
    days = random.Random(4).sample(range(1, 300), 16)
    start = threading.Barrier(len(days))
    errors = []

    def record(number: int, day: int) -> None:
        try:
            start.wait()
            response = AidResponse(
                slug=f"concurrent-{number}",
                request_id=aid_request.pk,
                responder_id=responder_id,
                responded_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=day),
                decision=decisions[number % len(decisions)],
                summary="At the same time as the others.",
            )
            services.response_save(
                response=response,
                citations=[Citation(source_id=report.source_id, quote=report.quote)],
            )
        except Exception as error:  # reported below, with every thread's
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=item) for item in enumerate(days)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    latest = AidResponse.objects.order_by("-responded_on", "-pk").first()
    aid_request.refresh_from_db()
    assert AidResponse.objects.count() == len(days)
    assert (aid_request.status, aid_request.latest_response_id) == (latest.decision, latest.pk)


@only_postgresql
def test_answers_moved_both_ways_at_once_do_not_deadlock(
    transactional_db, make_request, record_response
):
    first, second = make_request("first"), make_request("second", title="Shells, to buy")
    answers = {
        first.pk: record_response(first, "declined", datetime.date(2024, 12, 1)),
        second.pk: record_response(second, "fulfilled", datetime.date(2024, 12, 2)),
    }
    rounds = 10
    start = threading.Barrier(2)
    errors = []

    def move(answer: AidResponse, to: int) -> None:
        home = answer.request_id
        try:
            for number in range(rounds):  # there and back, while the other goes back and there
                start.wait()
                answer.refresh_from_db()
                answer.request_id = home if number % 2 else to
                services.response_save(response=answer)
        except Exception as error:  # reported below, with the other thread's
            errors.append(error)
            start.abort()
        finally:
            connection.close()

    threads = [
        threading.Thread(target=move, args=(answers[first.pk], second.pk)),
        threading.Thread(target=move, args=(answers[second.pk], first.pk)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    for aid_request in (first, second):  # an even number of moves: each answer is back
        aid_request.refresh_from_db()
        assert aid_request.latest_response == answers[aid_request.pk]


@only_postgresql
@pytest.mark.parametrize("command", ["load_seed", "loaddata", "import_data"])
def test_a_loader_waits_for_the_data_version_before_it_writes(transactional_db, command, tmp_path):
    """Loaders lock the data version before their first row, as every writer does: a curator's
    write that holds it makes the loader wait, and never waits for rows the loader holds (each
    write raises the version, so a loader that wrote first would then wait for the curator)."""
    arguments = {"loaddata": ["fixtures/10_actors.json"], "load_seed": []}.get(command)
    if command == "import_data":
        call_command("load_seed", verbosity=0)
        backup = tmp_path / "backup.jsonl"
        call_command("export_data", str(backup), verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
        arguments = [str(backup)]
    DataVersion.objects.get_or_create(pk=1)  # a flush leaves no row to lock
    curator = connections.create_connection(DEFAULT_DB_ALIAS)
    curator.set_autocommit(False)
    curator.cursor().execute(f"SELECT 1 FROM {VERSION_TABLE} WHERE id = 1 FOR NO KEY UPDATE")
    errors = []

    def load() -> None:
        try:
            call_command(command, *arguments, verbosity=0)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    loader = threading.Thread(target=load)
    loader.start()
    waiting = []
    for _ in range(300):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT query FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            waiting = [query for (query,) in cursor.fetchall()]
        if waiting:
            break
        time.sleep(0.05)
    curator.rollback()
    curator.close()
    loader.join()

    assert errors == []
    assert Actor.objects.filter(slug="ukraine").exists()
    assert len(waiting) == 1 and "FOR NO KEY UPDATE" in waiting[0]
    assert VERSION_TABLE in waiting[0]


# ----------------------------------------------------------------- a database of the test's own


@pytest.fixture
def own_database():
    cluster = Cluster(postgres_binaries())
    yield cluster
    cluster.remove()


def wait_for(url: str, status: int, seconds: float = 15) -> tuple[int, dict, bytes]:
    deadline = time.monotonic() + seconds
    while True:
        answer = fetch(url)
        if answer[0] == status or time.monotonic() > deadline:
            return answer
        time.sleep(0.3)


@pytest.mark.slow
def test_database_down_answers_503_then_recovers_by_itself(own_database, tmp_path):
    env = {
        "DATABASE_URL": own_database.url,
        "TRUST_X_FORWARDED_PROTO": "1",
        "CONN_MAX_AGE": "60",
        **collect_static(tmp_path / "static"),
    }
    for command in (["migrate", "--noinput", "-v0"], ["load_seed", "-v0"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=BASE, env={**BASE_ENV, **PRODUCTION, **env}, check=True,
        )  # fmt: skip
    port = free_port()
    server = serve(env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        for path in ["/", "/requests/", "/api/v1/requests/", "/healthz"]:
            assert fetch(base + path)[0] == 200, path

        own_database.stop()

        status, headers, body = fetch(base + "/requests/")
        assert status == 503
        assert "The database cannot be reached just now" in body.decode()
        assert "Traceback" not in body.decode()
        assert headers["Retry-After"] == "60"
        status, _, body = fetch(base + "/api/v1/requests/")
        assert status == 503
        assert json.loads(body)["detail"].startswith("The database cannot be reached")
        status, _, body = fetch(base + "/healthz")
        assert status == 503
        assert json.loads(body)["reason"] == "database unavailable"

        own_database.start()

        assert wait_for(base + "/healthz", 200)[0] == 200
        status, _, body = wait_for(base + "/requests/", 200)
        assert status == 200
        assert b"Cheongung air defence missile systems" in body
        assert fetch(base + "/api/v1/requests/")[0] == 200
    finally:
        stop(server)
