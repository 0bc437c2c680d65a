"""Real servers for tests: gunicorn with the production settings, and helpers to talk to it."""

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

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
