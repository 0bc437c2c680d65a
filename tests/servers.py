"""Real servers for tests: gunicorn with the production settings, and helpers to talk to it."""

import glob
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

BASE = settings.BASE_DIR
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "aidtracker.example.org,127.0.0.1,localhost",
}
# The environment the app runs in: this process's, without what the browser tests set for
# themselves.
BASE_ENV = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def serve(env: dict, port: int) -> subprocess.Popen:
    """gunicorn with the production settings on 127.0.0.1:`port`, once it accepts connections.
    Its logs go to a file, so that a chatty server can never block on a full pipe."""
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop())
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "aidtracker.wsgi", "--config", "gunicorn.conf.py"],
        cwd=BASE,
        env={**BASE_ENV, **PRODUCTION, **env, "HOST": "127.0.0.1", "PORT": str(port)},
        stdout=log,
        stderr=log,
    )
    process.log = log
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    stop(process)
    raise AssertionError("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=20)
    process.log.close()


def collect_static(directory) -> dict:
    """Collect the hashed static files the production settings serve; their setting."""
    env = {**BASE_ENV, **PRODUCTION, "STATIC_ROOT": str(directory)}
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
    subprocess.run(command, cwd=BASE, env=env, check=True)
    return {"STATIC_ROOT": str(directory)}


def postgres_binaries() -> Path:
    """The newest PostgreSQL's server programs; the test is skipped where there are none, and
    fails on CI, which installs them."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        reason = "PostgreSQL's server programs are missing: apt-get install -y postgresql"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return Path(found[-1]).parent


class Cluster:
    """A throwaway PostgreSQL cluster in a temporary directory, which the test stops at will:
    a primary with an empty database `aidtracker`, or with `primary`, a streaming replica of it
    (hot standby: it answers reads and follows the primary's writes)."""

    def __init__(self, binaries: Path, primary: "Cluster | None" = None) -> None:
        self.binaries = binaries
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="aidtracker-pg-"))
        self.data = self.root / "data"
        self.root.chmod(0o755)
        # PostgreSQL refuses to run as root: run it as the postgres user where we are root.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.root, "postgres")
        if primary is None:
            # initdb's pg_hba.conf trusts local connections, replication ones included.
            self.run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
            self.start()
            self.sql("CREATE DATABASE aidtracker", database="postgres")
        else:
            # A copy of the primary's files, set up to follow it (-R: standby.signal and
            # primary_conninfo), then started as a hot standby.
            source = ["-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"]
            self.run("pg_basebackup", *source, "-D", str(self.data), "-R", "-X", "stream")
            self.start()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/aidtracker"

    def run(self, program: str, *args: str) -> None:
        command = [*self.as_owner, str(self.binaries / program), *args]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    def sql(self, sql: str, database: str = "aidtracker") -> str:
        """Run one statement with psql as the superuser; its result, unaligned."""
        server = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database]
        command = [self.binaries / "psql", *server, "-qtA", "-v", "ON_ERROR_STOP=1", "-c", sql]
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()

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


class RedisServer:
    """A Redis of the test's own, on a free port, that the test stops and starts at will (never
    the machine's, on 6379). Nothing is saved to disk."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
