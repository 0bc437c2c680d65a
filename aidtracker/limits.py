"""Per-client request limits: the API's throttles, and the same counting for pages and CSV
downloads (RequestLimitMiddleware).

Every limit counts requests in fixed windows (300 a minute: at most 300 from 12:00:00 to
12:00:59) with one atomic increment in the shared store (aidtracker/stores.py), so that every
process and container counts together. While Redis cannot be reached, each process counts on its
own: the limits hold per process, never vanish. The rates are DRF's DEFAULT_THROTTLE_RATES, one
scope per kind of request (settings.py).
"""

import math
import time

from django.core.cache import BaseCache, caches
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from redis import RedisError
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from . import stores
from .clients import client_address


def count(key: str, seconds: int) -> tuple[int, float]:
    """Count one request under `key` in the current window of `seconds`: the window's count so
    far, and the seconds left until the next window."""
    now = time.time()
    window = int(now // seconds)
    windowed = f"{key}:{window}"
    try:
        number = increment(caches["default"], windowed, seconds)
    except RedisError as error:
        stores.report_failure(error)
        number = increment(caches["local"], windowed, seconds)
    else:
        stores.report_success()
    return number, (window + 1) * seconds - now


def increment(cache: BaseCache, key: str, seconds: int) -> int:
    # add() creates the count only if it is missing (SET NX on Redis), incr() is atomic (INCR).
    # The count outlives its window, so it cannot expire between the two.
    cache.add(key, 0, timeout=2 * seconds)
    return cache.incr(key)


class CountedThrottle(SimpleRateThrottle):
    """DRF's rate throttle, counted in fixed windows in the shared store: one atomic increment
    instead of DRF's list of timestamps, which two processes could both read and both rewrite."""

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        number, self.seconds_left = count(key, self.duration)
        return number <= self.num_requests

    def wait(self) -> float:
        return self.seconds_left


class AnonymousThrottle(CountedThrottle, AnonRateThrottle):
    """API requests without an account, by client address (scope "anon")."""


class AccountThrottle(CountedThrottle, UserRateThrottle):
    """API requests with an account, by account (scope "user")."""


class ClientThrottle(CountedThrottle):
    """By client address, whoever is signed in: for requests counted before authentication."""

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


class AnonymousReadThrottle(ClientThrottle):
    """The "anon" count, for an API read that the page cache answers before DRF runs (it only
    answers anonymous readers)."""

    scope = "anon"


class PageThrottle(ClientThrottle):
    """Pages (scope "pages")."""

    scope = "pages"


class DownloadThrottle(ClientThrottle):
    """CSV downloads, the pages' and the API's (scope "csv")."""

    scope = "csv"


# The API counts its requests itself (its throttles, above); the admin's login is limited by
# django-axes; static files and the health check are left alone.
UNLIMITED_PREFIXES = ("/api/", "/admin/", "/static/", "/healthz")


def throttle_for(request: HttpRequest) -> SimpleRateThrottle | None:
    if request.path.endswith(".csv") or request.GET.get("format") == "csv":
        return DownloadThrottle()
    if request.path.startswith(UNLIMITED_PREFIXES):
        return None
    return PageThrottle()


class RequestLimitMiddleware:
    """Answers 429, with Retry-After, to a client past its limit of pages or CSV downloads."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        throttle = throttle_for(request)
        if throttle is None or throttle.allow_request(request, None):
            return self.get_response(request)
        seconds = math.ceil(throttle.wait())
        if request.path.startswith("/api/"):
            detail = f"Request was throttled. Expected available in {seconds} seconds."
            response = JsonResponse({"detail": detail}, status=429)
        else:
            page = render_to_string("429.html", {"seconds": seconds})
            response = HttpResponse(page, status=429)
        response["Retry-After"] = str(seconds)
        return response
