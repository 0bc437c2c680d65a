"""The client's address, one rule for every limit: the API's throttles and the login lockout."""

from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR; behind NUM_PROXIES proxies, the address the outermost of them saw.

    DRF's own rule, so that django-axes (AXES_CLIENT_IP_CALLABLE) and the throttles agree: with
    NUM_PROXIES = 0, X-Forwarded-For is ignored, whatever a client puts in it."""
    return BaseThrottle().get_ident(request)
