"""Faults: concurrent writers on one request, and a database that goes away and comes back."""

import datetime
import glob
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from requests_app import services
from requests_app.models import AidResponse, Citation

from .servers import BASE, BASE_ENV, PRODUCTION, collect_static, fetch, free_port, serve, stop

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


# ----------------------------------------------------------------- a database of the test's own


def postgres_binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class Cluster:
    """A throwaway PostgreSQL cluster in a temporary directory, which the test stops at will."""

    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="aidtracker-pg-"))
        self.data = self.root / "data"
        self.root.chmod(0o755)
        # PostgreSQL refuses to run as root: run it as the postgres user where we are root.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.root, "postgres")
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        self.start()
        subprocess.run(
            [str(binaries / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "-q", "-c", "CREATE DATABASE aidtracker"],
            check=True,
        )  # fmt: skip

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/aidtracker"

    def run(self, program: str, *args: str) -> None:
        command = [*self.as_owner, str(self.binaries / program), *args]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        # The server logs to a file: it must not keep this process's pipes open.
        log = str(self.root / "server.log")
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        subprocess.run(
            [*self.as_owner, str(self.binaries / "pg_ctl"), "-D", str(self.data), "-m",
             "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def own_database():
    binaries = postgres_binaries()
    if binaries is None:
        reason = "PostgreSQL's server programs are missing: apt-get install -y postgresql"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    cluster = Cluster(binaries)
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
