"""Alerts delivered by a real Celery worker from the machine's Redis, to a real SMTP server
(aiosmtpd) and a real HTTP receiver that checks signatures and deduplicates deliveries; the
worker killed mid-delivery. PostgreSQL only: the worker shares the test database."""

import datetime
import email
import email.policy
import hashlib
import hmac
import http.server
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from django.db import connection

from alerts import services
from alerts.models import Digest, WebhookDelivery, WebhookEndpoint
from requests_app.models import AidResponse

from .servers import BASE, BASE_ENV, PRODUCTION, free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker shares the test database: run with DATABASE_URL=postgres://…",
    ),
]

# A Redis database of its own for the tests' broker, and a queue name per run.
BROKER = "redis://127.0.0.1:6379/12"
SECRET = "a-test-secret-of-enough-length"
ANSWERED_ON = datetime.date(2024, 11, 28)


def wait_for(condition, timeout: float = 30, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    raise AssertionError(f"Timed out waiting for {what}")


class Receiver(http.server.ThreadingHTTPServer):
    """A webhook receiver, as the docs tell one to be written: it refuses a bad or stale
    signature, and handles each Idempotency-Key once."""

    def __init__(self, answers=(), hold_first: bool = False) -> None:
        super().__init__(("127.0.0.1", free_port()), ReceiverHandler)
        self.answers = list(answers)  # statuses to answer first; then 200
        self.hold_first = hold_first
        self.held = threading.Event()
        self.release = threading.Event()
        self.seen: list[tuple[str, bytes]] = []  # every request: its key and body
        self.handled: dict[str, dict] = {}  # each event once, by key
        self.refused = 0
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/aidtracker"


class ReceiverHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        server: Receiver = self.server
        body = self.rfile.read(int(self.headers["Content-Length"]))
        fields = dict(
            part.split("=", 1) for part in self.headers["X-Aidtracker-Signature"].split(",")
        )
        expected = hmac.new(SECRET.encode(), f"{fields['t']}.".encode() + body, hashlib.sha256)
        fresh = abs(time.time() - int(fields["t"])) < 300
        if not (fresh and hmac.compare_digest(expected.hexdigest(), fields["v1"])):
            server.refused += 1
            self.send_response(400)
            self.end_headers()
            return
        key = self.headers["Idempotency-Key"]
        with server.lock:
            server.seen.append((key, body))
            first = len(server.seen) == 1
            if key not in server.handled:
                server.handled[key] = json.loads(body)
            status = server.answers.pop(0) if server.answers else 200
        if first and server.hold_first:
            server.held.set()
            server.release.wait(30)  # the worker is killed meanwhile: nobody reads the answer
        try:
            self.send_response(status)
            self.end_headers()
        except OSError:
            pass


@pytest.fixture
def receiver():
    made = []

    def start(**options) -> Receiver:
        server = Receiver(**options)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        made.append(server)
        return server

    yield start
    for server in made:
        server.release.set()
        server.shutdown()
        server.server_close()


class Inbox:
    """aiosmtpd's handler: every mail received, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp(settings):
    """A real SMTP server; this process (the follow form) and the worker both mail through it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    inbox.url = f"smtp://127.0.0.1:{controller.port}"
    yield inbox
    controller.stop()


@pytest.fixture
def worker(transactional_db, settings):
    """Start a Celery worker (`celery -A aidtracker worker --beat`, as the README says) on
    the test database, with quick batches and retries; stop or kill it."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True  # the receiver listens on loopback
    db = settings.DATABASES["default"]
    queue = f"alerts-test-{uuid.uuid4().hex}"
    started: list[subprocess.Popen] = []
    directory = tempfile.TemporaryDirectory()

    def start(**env) -> subprocess.Popen:
        log = open(os.path.join(directory.name, f"worker-{len(started)}.log"), "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "aidtracker",
                "worker",
                "--beat",
                "--pool=solo",
                "--loglevel=INFO",
                "--schedule",
                os.path.join(directory.name, "beat"),
            ],
            cwd=BASE,
            env={
                **BASE_ENV,
                **PRODUCTION,
                "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:"
                f"{db['PORT']}/{db['NAME']}",
                "CELERY_BROKER_URL": BROKER,
                "CELERY_QUEUE": queue,
                "ALERTS_BATCH_SECONDS": "0.5",
                "ALERTS_RETRY_BASE_SECONDS": "0.2",
                "ALERTS_LEASE_SECONDS": "3",
                "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES": "1",
                "SITE_URL": "https://aidtracker.example.org",
                **env,
            },
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed whole, beat included
        )
        log.close()  # the worker writes to its own copy
        process.log_path = log.name
        started.append(process)
        wait_for(lambda: b" ready." in Path(log.name).read_bytes(), 60, "the worker to start")
        return process

    start.kill = lambda process: os.killpg(process.pid, signal.SIGKILL)
    yield start
    for process in started:
        with open(process.log_path, errors="replace") as log:  # shown if the test failed
            print(log.read()[-5000:])
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    broker = redis.Redis.from_url(BROKER)
    broker.delete(queue, *broker.keys(f"_kombu.*{queue}"))
    directory.cleanup()


def endpoint_for(receiver: Receiver, user, events=("response.created",)) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(
        owner=user, name="Newsroom", url=receiver.url, secret=SECRET, events=list(events)
    )
    services.endpoint_save(endpoint=endpoint)
    return endpoint


def delivered(delivery_filter: dict) -> WebhookDelivery | None:
    return WebhookDelivery.objects.filter(status="delivered", **delivery_filter).first()


def test_a_webhook_receives_a_signed_event_within_seconds_of_the_write(
    worker, receiver, make_user, aid_request, record_response
):
    hook = receiver()
    endpoint = endpoint_for(hook, make_user("newsroom"))
    worker()
    written = time.monotonic()
    response = record_response(aid_request, AidResponse.Decision.DECLINED, ANSWERED_ON)

    wait_for(lambda: hook.handled, timeout=30, what="the delivery")

    assert time.monotonic() - written < 10
    [(key, event)] = hook.handled.items()
    assert event["id"] == key and event["type"] == "response.created"
    assert event["data"]["id"] == response.pk and event["data"]["decision"] == "declined"
    assert event["url"] == f"https://aidtracker.example.org/api/v1/responses/{response.pk}/"
    assert isinstance(event["data_version"], int)
    assert hook.refused == 0
    wait_for(lambda: delivered({"endpoint": endpoint}), what="the delivery recorded")


def test_a_worker_killed_mid_delivery_loses_nothing_and_the_receiver_handles_it_once(
    worker, receiver, make_user, aid_request, record_response
):
    hook = receiver(hold_first=True)
    endpoint_for(hook, make_user("newsroom"))
    first = worker()
    record_response(aid_request, AidResponse.Decision.DECLINED, ANSWERED_ON)

    assert hook.held.wait(30), "the first delivery never arrived"
    worker.kill(first)  # after it sent the event, before it recorded the answer
    first.wait(10)
    hook.release.set()
    worker()

    delivery = wait_for(lambda: delivered({}), timeout=40, what="the retried delivery")
    assert delivery.attempts == 2
    keys = {key for key, _ in hook.seen}
    assert len(hook.seen) == 2 and keys == {str(delivery.event_id)}
    assert len({body for _, body in hook.seen}) == 1  # the same bytes, signed anew
    assert list(hook.handled) == [str(delivery.event_id)]


def test_a_receiver_answering_500_five_times_gets_the_event_once_it_recovers(
    worker, receiver, make_user, aid_request, record_response
):
    hook = receiver(answers=[500] * 5)
    endpoint_for(hook, make_user("newsroom"))
    worker()
    record_response(aid_request, AidResponse.Decision.DECLINED, ANSWERED_ON)

    delivery = wait_for(lambda: delivered({}), timeout=60, what="the delivery after 5 errors")

    assert delivery.attempts == 6 and delivery.last_status_code == 200
    assert len(hook.seen) == 6 and len(hook.handled) == 1
    assert hook.refused == 0


def test_a_reader_follows_confirms_and_gets_one_digest_while_an_unconfirmed_address_gets_none(
    worker, smtp, client, aid_request, record_response
):
    follow = f"/alerts/follow/request/{aid_request.pk}/"
    assert client.post(follow, {"email": "reader@example.org"}).status_code == 200
    assert client.post(follow, {"email": "unconfirmed@example.org"}).status_code == 200
    [confirmation] = smtp.to("reader@example.org")
    text = confirmation.get_body(("plain",)).get_content()
    path = re.search(r"https?://[^/\s]+(/alerts/confirm/\S+/)", text).group(1)
    assert client.post(path).status_code == 200
    worker(EMAIL_URL=smtp.url)

    record_response(aid_request, AidResponse.Decision.DECLINED, ANSWERED_ON)

    wait_for(lambda: Digest.objects.filter(status="delivered").exists(), what="the digest")
    time.sleep(2)  # a few more batches: nothing else may leave
    confirmation_only, digest = smtp.to("reader@example.org")
    assert "Confirm" in confirmation_only["Subject"]
    unsubscribe = str(digest["List-Unsubscribe"]).strip()  # folded: it is long
    assert unsubscribe.startswith("<https://aidtracker.example.org/alerts/unsubscribe/")
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    plain = digest.get_body(("plain",)).get_content()
    html = digest.get_body(("html",)).get_content()
    assert "Declined" in plain and "No answer reported → Declined" in plain
    assert "<a href=" in html and aid_request.title in html
    assert [m["Subject"] for m in smtp.to("unconfirmed@example.org")] == [confirmation["Subject"]]
