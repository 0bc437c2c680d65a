"""Slow clients cannot starve the app server by themselves: gunicorn, as shipped
(gunicorn.conf.py), keeps answering /healthz while clients hold half-sent requests open."""

import socket
import time

import pytest
from django.conf import settings
from django.db import connection

from .servers import fetch, free_port, serve, stop

# Each stops part-way and then waits: the request line, the headers, the body of a form post
# (the CSRF check reads the body before any view runs).
HALF_SENT = [
    b"GET /requests/?q=cheongung HT",
    b"GET /requests/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/ht",
    b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nusername=",
]
# Three times the two sync workers that two such clients used to block; fewer than one
# worker's threads, however the workers share them out.
SLOW_CLIENTS = 6


@pytest.fixture
def server(transactional_db):
    """gunicorn with the shipped configuration and the production settings."""
    if connection.vendor != "postgresql":
        pytest.skip("production runs on PostgreSQL: run the suite with DATABASE_URL=postgres://…")
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    port = free_port()
    process = serve({"DATABASE_URL": url}, port)
    yield f"http://127.0.0.1:{port}", port
    stop(process)


@pytest.mark.slow
def test_healthz_answers_within_a_second_while_clients_hold_half_sent_requests(server):
    base, port = server
    for _ in range(4):  # the port opens before the workers have started: wait for them
        assert fetch(f"{base}/healthz")[0] == 200
    slow = [socket.create_connection(("127.0.0.1", port)) for _ in range(SLOW_CLIENTS)]
    try:
        for n, client in enumerate(slow):
            client.sendall(HALF_SENT[n % len(HALF_SENT)])
        time.sleep(1)  # the server has taken them up and waits for the rest

        for _ in range(5):
            started = time.monotonic()
            status, _, body = fetch(f"{base}/healthz")
            assert status == 200, body
            assert time.monotonic() - started < 1
    finally:
        for client in slow:
            client.close()
