"""Anonymous reads served from a cache that every write invalidates.

Pages and API reads are stored under the data version (DataVersion), which the database raises
in the writer's transaction on every write to a curated table (requests_app/triggers.py): a
write by any path is visible on the next read, and each process may keep its own cache (no
shared store is needed for correctness). Signed-in users always get fresh pages.
"""

import hashlib
import math

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.throttling import AnonRateThrottle

from requests_app.models import DataVersion

PUBLIC_PREFIXES = (
    "/api/v1/",
    "/requests/",
    "/actors/",
    "/items/",
    "/stances/",
    "/sources/",
    "/events/",
    "/contributions/",
    "/aid/",
    "/actions/",
    "/feed/",
    "/conflicts/",
)
# Headers a cached answer keeps; the rest (security, CSP) are added afresh on the way out.
KEPT_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Vary",
    "Allow",
    "Content-Language",
    "ETag",
)


class AnonymousReadThrottle(AnonRateThrottle):
    """DRF's throttle of anonymous API reads, counted in the same bucket, for a request that the
    cache answers before authentication: it only answers requests without session or token."""

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def cacheable(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and (request.path == "/" or request.path.startswith(PUBLIC_PREFIXES))
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


class PublicReadCacheMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.cache = caches["pages"]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not cacheable(request):
            return self.get_response(request)
        request.get_host()  # an unknown host is refused before anything is served
        # Answers hold absolute links: the scheme and host are part of the address.
        address = (
            f"{request.method} {request.build_absolute_uri()} {request.META.get('HTTP_ACCEPT', '')}"
        )
        key = f"{DataVersion.objects.current()}:{hashlib.sha256(address.encode()).hexdigest()}"
        stored = self.cache.get(key)
        if stored is not None and request.path.startswith("/api/"):
            # A hit skips the API view, and with it DRF's throttle: count the read here.
            throttle = AnonymousReadThrottle()
            if not throttle.allow_request(request, None):
                wait = throttle.wait()
                return JsonResponse(
                    {"detail": f"Request was throttled. Expected available in {wait:.0f} seconds."},
                    status=429,
                    headers={"Retry-After": str(math.ceil(wait))},
                )
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content, headers=headers)
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and len(response.content) <= settings.PAGE_CACHE_MAX_BYTES
        ):
            headers = {h: response[h] for h in KEPT_HEADERS if response.has_header(h)}
            self.cache.set(key, (response.content, headers))
            response["X-Cache"] = "miss"
        return response
