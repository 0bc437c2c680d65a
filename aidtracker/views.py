import logging
import sys

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults
from redis import RedisError

logger = logging.getLogger(__name__)

UNAVAILABLE = "The database cannot be reached just now. Please try again in a minute."


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the app can reach its databases (the primary, and the replica it reads from if
    there is one), 503 with the reason when it cannot. Without Redis the app still serves every
    page, more slowly: 200, "degraded"."""
    try:
        for alias in settings.DATABASES:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
    except DatabaseError as error:
        # The error names the database's host and port: the log may say so, the public not.
        logger.warning("Health check: the database cannot be reached: %s", error)
        return JsonResponse({"status": "unavailable", "reason": "database unavailable"}, status=503)
    if not settings.REDIS_URL:
        return JsonResponse({"status": "ok"})
    try:
        caches["default"].has_key("healthz")
    except RedisError as error:
        logger.warning("Health check: Redis cannot be reached: %s", error)
        return JsonResponse({"status": "degraded", "redis": "unavailable"})
    return JsonResponse({"status": "ok", "redis": "ok"})


TOO_LONG = (
    "This request took too long and was stopped. Please try again in a minute, or ask for less "
    "(fewer filters or a smaller page)."
)
QUERY_CANCELED = "57014"  # PostgreSQL's code for a statement cancelled by statement_timeout


def server_error(request: HttpRequest) -> HttpResponse:
    """500, unless the database cannot be reached or a statement ran past its time limit: then
    503, Retry-After and a message."""
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return defaults.server_error(request)
    too_long = getattr(error.__cause__, "sqlstate", None) == QUERY_CANCELED
    message = TOO_LONG if too_long else UNAVAILABLE
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        page = render_to_string("503.html", {"message": message})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = "30" if too_long else "60"
    return response
