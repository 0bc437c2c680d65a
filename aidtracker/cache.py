"""Public reads answered from the data version: conditional GET for every reader, and a cache of
anonymous reads that every write invalidates.

The data version (DataVersion) is raised by the database in the writer's transaction on every
write to a curated table (requests_app/triggers.py), and records when. Every public read gets an
`ETag` made of the data version, the day (some pages say "for 16 months" or "in force now"),
the address and who asks, and a `Last-Modified` of the last write (or the day's start); a
repeated read that sends either back answers 304, without running the view where its answer
is known to be 200 (`answered_before_the_view`); HEAD gets the tag GET gets, as its headers
are GET's. Anonymous answers are kept under the same tag (and the method), so a write by any
path is visible on the next read, and a cached answer goes out through the same middleware as
a fresh one (security headers included).

Query parameters that no page or endpoint reads are dropped before the view sees them: they
cannot make an address uncached, nor end up in the links of a cached page.
"""

import datetime
import hashlib
import math
from email.utils import format_datetime, parsedate_to_datetime

from django.conf import settings
from django.core.cache import caches
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse, QueryDict
from django.utils import timezone
from django_filters import FilterSet

from requests_app import filters, recorded
from requests_app.api import sync
from requests_app.models import DataVersion
from requests_app.recorded import RecordedAtForm

from .limits import AnonymousReadThrottle

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
# Headers a cached answer keeps; the rest (security, CSP, length) are added on the way out.
KEPT_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Vary",
    "Allow",
    "Content-Language",
    "ETag",
    "Link",
)
PAGING_PARAMETERS = {"page", "page_size", "cursor", "format"}
# The API docs page (drf-spectacular's split Swagger UI, CSP-safe) loads its script from
# ?script=: dropped, the page answered its own HTML and the docs never drew.
DOCS_PARAMETERS = {"script"}


def known_parameters() -> frozenset[str]:
    """Every query parameter a public page or endpoint reads: the filters' and forms' own names,
    and paging."""
    names = PAGING_PARAMETERS | DOCS_PARAMETERS
    for module in (filters, sync, recorded):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, FilterSet):
                names.update(value.base_filters)
            elif isinstance(value, type) and issubclass(value, Form):
                names.update(value.base_fields)
    return frozenset(names)


KNOWN_PARAMETERS = known_parameters()


def public_read(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and (
        request.path == "/" or request.path.startswith(PUBLIC_PREFIXES)
    )


def drop_unknown_parameters(request: HttpRequest) -> None:
    if all(name in KNOWN_PARAMETERS for name in request.GET):
        return
    kept = QueryDict(mutable=True)
    for name in request.GET:
        if name in KNOWN_PARAMETERS:
            kept.setlist(name, request.GET.getlist(name))
    request.GET = kept
    request.META["QUERY_STRING"] = kept.urlencode()


def reader(request: HttpRequest) -> str:
    """Who asks, as far as the answer depends on it: anonymous readers share answers."""
    if "HTTP_AUTHORIZATION" in request.META:
        return "token " + hashlib.sha256(request.META["HTTP_AUTHORIZATION"].encode()).hexdigest()
    if request.user.is_authenticated:
        return f"user {request.user.pk}"
    return ""


def entity_tag(request: HttpRequest, version: int, now) -> str:
    """The tag of an answer. An API or CSV read pinned to a past moment (`recorded_at`) no longer
    changes with the data: its tag leaves the data version out, so it is kept across writes (a
    pinned page lists what has changed since: it does change)."""
    moment = RecordedAtForm(request.GET)
    if (
        (request.path.startswith("/api/") or request.path.endswith(".csv"))
        and moment.is_valid()
        and moment.cleaned_data["recorded_at"] is not None
        and recorded.is_fixed(moment.cleaned_data["recorded_at"], now)
    ):
        version = "pinned"
    # Answers hold absolute links: the scheme and host are part of the address.
    address = " ".join(
        (
            str(version),
            now.date().isoformat(),
            request.build_absolute_uri(),
            request.META.get("HTTP_ACCEPT", ""),
            reader(request),
        )
    )
    return hashlib.sha256(address.encode()).hexdigest()[:32]


def current_copy(request: HttpRequest, tag: str, last_modified) -> str | None:
    """The tag of the reader's copy when it is current, else None. A record's API detail sends
    `"<version>.<tag>"` (its version is what If-Match checks): the part after the dot counts."""
    sent = request.headers.get("If-None-Match")
    if sent is not None:
        for value in sent.split(","):
            value = value.strip().removeprefix("W/").strip('"')
            if value.rpartition(".")[2] == tag:
                return value
        return None
    since = request.headers.get("If-Modified-Since")
    if since is None or last_modified is None:
        return None
    try:
        current = last_modified <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        current = False
    return tag if current else None


def throttled(request: HttpRequest) -> HttpResponse | None:
    """An anonymous API read that the middleware answers skips DRF's throttle: count it here."""
    throttle = AnonymousReadThrottle()
    if throttle.allow_request(request, None):
        return None
    wait = throttle.wait()
    return JsonResponse(
        {"detail": f"Request was throttled. Expected available in {wait:.0f} seconds."},
        status=429,
        headers={"Retry-After": str(math.ceil(wait))},
    )


def shareable(request: HttpRequest, response: HttpResponse) -> bool:
    """An answer with nothing of its reader's in it: no cookie, no form token, no message."""
    messages = getattr(request, "_messages", None)
    return (
        not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (messages is not None and (messages.used or messages.added_new))
        and len(response.content) <= settings.PAGE_CACHE_MAX_BYTES
    )


class PublicReadCacheMiddleware:
    """After authentication (a cookie that is not a valid session reads as anonymous) and
    before nothing that adds headers, so a hit leaves with every header a fresh answer gets."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.cache = caches["pages"]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not public_read(request):
            return self.get_response(request)
        request.get_host()  # an unknown host is refused before anything is served
        drop_unknown_parameters(request)
        version, changed_at, release = DataVersion.objects.state()
        # For what views keep per data version, and the release their citations name.
        request.data_version, request.latest_release = version, release
        now = timezone.now()
        last_modified = settled_change(changed_at, now)
        tag = entity_tag(request, version, now)
        anonymous = reader(request) == ""
        copy = current_copy(request, tag, last_modified)
        key = f"{request.method}.{tag}"
        hit = self.cache.get(key) if anonymous else None

        stored = None
        if copy is not None and answered_before_the_view(request, hit):
            stored = not_modified(copy, last_modified)
        elif hit is not None:
            stored = dated(HttpResponse(hit[0], headers=hit[1]), last_modified)
            stored["X-Cache"] = "hit"
        if stored is not None:
            if anonymous and request.path.startswith("/api/"):
                stored = throttled(request) or stored
            return stored

        response = self.get_response(request)
        if response.status_code != 200:
            return response
        # A record's detail already carries its version, for If-Match: the tag follows it.
        version_tag = response.get("ETag", "").strip('"')
        response["ETag"] = f'"{version_tag}.{tag}"' if version_tag else f'"{tag}"'
        dated(response, last_modified)
        if anonymous and shareable(request, response):
            headers = {h: response[h] for h in KEPT_HEADERS if response.has_header(h)}
            self.cache.set(key, (response.content, headers))
            response["X-Cache"] = "miss"
        if copy is not None:  # the view found the reader, and the address, as they were
            return not_modified(copy, last_modified)
        return response


def settled_change(changed_at, now):
    """The `Last-Modified` of every public answer: the last write (or the day's start, since
    some pages say "for 16 months"), in whole seconds as HTTP dates are. None while that second
    lasts: a second write in it would leave the date unchanged, and a reader holding it would
    be told its copy is current (If-Modified-Since) until the next write."""
    start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    last_modified = max(changed_at or start_of_day, start_of_day).replace(microsecond=0)
    return last_modified if now >= last_modified + datetime.timedelta(seconds=1) else None


def answered_before_the_view(request: HttpRequest, hit) -> bool:
    """Whether the address is known to answer 200 to this reader without running the view,
    so that a current copy gets 304 at once: its tag was given out with a 200 (the tag names
    the data version, the address and the reader), or an answer is kept for it. A token is
    checked by the view (it may have been revoked since), and a date names no address (a
    missing record or a bad filter would get 304): for those, the view runs first."""
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    return hit is not None or "If-None-Match" in request.headers


def dated(response: HttpResponse, last_modified) -> HttpResponse:
    """The answer with the middleware's `Last-Modified` (not a view's own, such as a feed's
    newest entry), if it has one yet: a kept answer may have been kept before it had."""
    del response["Last-Modified"]
    if last_modified is not None:
        response["Last-Modified"] = format_datetime(last_modified, usegmt=True)
    return response


def not_modified(copy: str, last_modified) -> HttpResponseNotModified:
    response = HttpResponseNotModified()
    response["ETag"] = f'"{copy}"'
    return dated(response, last_modified)
