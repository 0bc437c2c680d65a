"""Several app servers, one site: two gunicorn instances sharing one PostgreSQL and one Redis
(the test's own), and Redis stopped and started again under load."""

import json
import threading
import time
import urllib.request

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from .servers import RedisServer, collect_static, fetch, free_port, serve, stop

# What the proxy passes on to every app server: the site's public name (cached answers hold
# absolute links, so the host is part of what they are cached under).
SITE = {"Host": "aidtracker.example.org"}


def read(url: str) -> tuple[int, dict, bytes]:
    return fetch(url, **SITE)


@pytest.fixture(scope="module")
def static_files(tmp_path_factory) -> dict:
    return collect_static(tmp_path_factory.mktemp("static"))


@pytest.fixture
def two_servers(transactional_db, static_files):
    """Start two gunicorn instances of the app on one database and one Redis: returns their base
    addresses and the Redis, which the test may stop and start."""
    if connection.vendor != "postgresql":
        pytest.skip("production runs on PostgreSQL: run the suite with DATABASE_URL=postgres://…")
    call_command("load_seed", verbosity=0)
    redis_server = RedisServer()
    db = settings.DATABASES["default"]
    env = {
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/"
        f"{db['NAME']}",
        "REDIS_URL": redis_server.url,
        "TRUST_X_FORWARDED_PROTO": "1",
        "WEB_CONCURRENCY": "1",
        **static_files,
    }
    processes = []

    def start(**limits: str) -> tuple[list[str], RedisServer]:
        ports = [free_port(), free_port()]
        processes.extend(serve({**env, **limits}, port) for port in ports)
        return [f"http://127.0.0.1:{port}" for port in ports], redis_server

    yield start
    for process in processes:
        stop(process)
    redis_server.stop()


def patch(url: str, token: str, body: dict) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="PATCH",
        headers={
            "Authorization": f"Token {token}",
            "Content-Type": "application/json",
            "X-Forwarded-Proto": "https",
            **SITE,
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


@pytest.mark.slow
def test_a_write_through_one_server_is_read_through_the_other_from_a_cache_filled_once(
    two_servers, curator, token_for
):
    (one, other), _ = two_servers()
    url = "/api/v1/actors/ukraine/"

    first = read(other + url)
    second = read(one + url)  # the other server's answer, from Redis
    status = patch(one + url, token_for(curator), {"description": "Written through one."})
    after = read(other + url)

    assert (first[1]["X-Cache"], second[1]["X-Cache"]) == ("miss", "hit")
    assert status == 200
    assert after[1]["X-Cache"] == "miss"
    assert json.loads(after[2])["description"] == "Written through one."


@pytest.mark.slow
def test_a_client_over_the_api_limit_on_one_server_is_refused_by_the_other(two_servers):
    (one, other), _ = two_servers(API_THROTTLE_ANON="6/minute")
    url = "/api/v1/requests/"

    statuses = [read(server + url)[0] for server in (one, other) * 3]
    refused = [read(one + url), read(other + url)]

    assert statuses == [200] * 6
    assert [answer[0] for answer in refused] == [429, 429]
    assert all(int(answer[1]["Retry-After"]) > 0 for answer in refused)


@pytest.mark.slow
def test_redis_stopped_and_started_under_load_is_never_seen_by_a_reader(two_servers):
    servers, redis_server = two_servers(API_THROTTLE_ANON="", PAGE_THROTTLE="")
    paths = ["/", "/requests/", "/actors/", "/api/v1/requests/", "/requests/?status=declined"]
    statuses: list[int] = []
    running = True

    def load(number: int) -> None:
        while running:
            server = servers[number % 2]
            for path in paths:
                try:
                    statuses.append(read(server + path)[0])
                except OSError:  # refused or timed out: as bad as a 5xx
                    statuses.append(0)

    readers = [threading.Thread(target=load, args=(n,)) for n in range(4)]
    for reader in readers:
        reader.start()
    time.sleep(2)
    redis_server.stop()
    time.sleep(3)
    health_without = read(servers[0] + "/healthz")
    uncached = [read(servers[1] + "/items/")[1]["X-Cache"] for _ in range(2)]
    redis_server.start()
    time.sleep(2)
    running = False
    for reader in readers:
        reader.join()

    assert len(statuses) > 50
    assert set(statuses) == {200}
    assert (health_without[0], json.loads(health_without[2])["status"]) == (200, "degraded")
    assert uncached == ["miss", "miss"]
    again = [read(server + "/items/")[1]["X-Cache"] for server in servers]
    assert again == ["miss", "hit"]  # caching again, shared again
    assert json.loads(read(servers[0] + "/healthz")[2]) == {"status": "ok", "redis": "ok"}
