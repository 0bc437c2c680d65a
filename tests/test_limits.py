"""Per-client limits on pages and CSV downloads, counted atomically in the shared store (Redis),
and what happens when Redis stops and comes back."""

import logging
import threading

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

from aidtracker import limits, stores
from aidtracker.settings import cache_settings

from .servers import RedisServer

PAGES = reverse("tracker:request-list")
CSV = reverse("tracker:request-export")


@pytest.fixture
def rates(monkeypatch):
    def set_rates(**rates) -> None:
        every = {"anon": None, "user": None, "pages": None, "csv": None}
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**every, **rates})

    return set_rates


def test_pages_are_limited_per_client_address(client, db, rates):
    rates(pages="3/minute")
    statuses = [client.get(PAGES).status_code for _ in range(3)]

    refused = client.get(PAGES)

    assert statuses == [200, 200, 200]  # a miss, then two hits from the page cache
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "Too many requests" in refused.content.decode()
    assert refused["Content-Type"].startswith("text/html")
    assert client.get(reverse("tracker:actor-list")).status_code == 429  # every page counts
    assert client.get(PAGES, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_csv_downloads_have_a_stricter_limit_of_their_own(client, db, rates):
    rates(pages="5/minute", csv="1/minute")
    assert client.get(CSV).status_code == 200

    assert client.get(CSV).status_code == 429
    api_csv = client.get(reverse("api:request-list"), {"format": "csv"})
    assert api_csv.status_code == 429
    assert "throttled" in api_csv.json()["detail"]
    assert client.get(PAGES).status_code == 200


def test_the_admin_the_api_and_the_health_check_are_not_counted_as_pages(client, db, rates):
    rates(pages="1/minute")
    for _ in range(3):
        assert client.get(reverse("api:request-list")).status_code == 200
        assert client.get("/healthz").status_code == 200
        assert client.get(reverse("admin:login")).status_code == 200
    assert client.get(PAGES).status_code == 200


def test_a_forged_forwarded_for_does_not_change_the_counted_address(client, db, rates):
    rates(pages="3/minute")
    statuses = [
        client.get(PAGES, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_a_refused_client_stays_refused_however_many_others_are_seen(client, db, rates):
    rates(pages="1/minute")
    client.get(PAGES)
    for n in range(2000):  # the local cache used to keep 300 counts: the first was forgotten
        limits.count(f"throttle_pages_10.0.{n // 256}.{n % 256}", 60)

    assert client.get(PAGES).status_code == 429


# ------------------------------------------------------------------ the shared store, Redis


@pytest.fixture
def redis_server():
    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture
def shared_store(redis_server):
    """The settings of REDIS_URL, on the test's own Redis."""
    with override_settings(REDIS_URL=redis_server.url, CACHES=cache_settings(redis_server.url)):
        yield redis_server
    stores.reachable = True


def test_counts_in_redis_are_atomic_across_threads(shared_store):
    def count_ten() -> None:
        for _ in range(10):
            limits.count("throttle_anon_192.0.2.1", 60)

    threads = [threading.Thread(target=count_ten) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    number, seconds_left = limits.count("throttle_anon_192.0.2.1", 60)
    assert number == 201  # DRF's own throttle rewrites a list of times: it loses some
    assert 0 < seconds_left <= 60


def test_pages_and_limits_live_in_redis(client, db, rates, shared_store):
    rates(pages="2/minute")
    first = client.get(PAGES)
    second = client.get(PAGES)

    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    # Another process (a fresh connection to the same Redis) sees the same count.
    with override_settings(CACHES=cache_settings(shared_store.url)):
        assert client.get(PAGES).status_code == 429


def test_with_redis_stopped_pages_are_served_uncached_and_limits_count_per_process(
    client, db, rates, shared_store, caplog
):
    rates(pages="3/minute")
    assert client.get(PAGES)["X-Cache"] == "miss"
    assert client.get("/healthz").json() == {"status": "ok", "redis": "ok"}

    shared_store.stop()
    with caplog.at_level(logging.WARNING, logger="aidtracker.stores"):
        answers = [client.get(PAGES) for _ in range(4)]

    # This process counts afresh, still three a minute; nothing is cached.
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.get("X-Cache") for a in answers[:3]] == ["miss", "miss", "miss"]
    warnings = [r.message for r in caplog.records if "Redis cannot be reached" in r.message]
    assert len(warnings) == 1  # once, not once a request
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "degraded", "redis": "unavailable"}

    shared_store.start()
    other = {"REMOTE_ADDR": "192.0.2.8"}
    assert client.get(PAGES, **other)["X-Cache"] == "miss"
    assert client.get(PAGES, **other)["X-Cache"] == "hit"  # caching again, by itself
    assert client.get("/healthz").json() == {"status": "ok", "redis": "ok"}
