"""Following a page by email: the form, the confirmation link and the unsubscribe link."""

import smtplib

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt

from aidtracker.clients import client_address

from . import services
from .forms import FollowForm


def _client_allowed(request: HttpRequest) -> bool:
    """At most ALERTS_FOLLOWS_PER_HOUR follow forms an hour from one client."""
    key = f"alerts:follows:{client_address(request)}"
    cache.add(key, 0, 3600)
    return cache.incr(key) <= settings.ALERTS_FOLLOWS_PER_HOUR


# The form is on pages served to anonymous readers from the page cache, which keeps no page
# that sets a cookie: a CSRF token would make every followable page uncacheable. A forged post
# can do no more than the form itself: ask for one confirmation mail an hour to an address.
@csrf_exempt
def follow(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Follow a request, actor, item or stance: POST an address, get a confirmation link."""
    if kind not in services.FOLLOWABLE:
        raise Http404("Only requests, actors, items and stances can be followed.")
    target = get_object_or_404(services.FOLLOWABLE[kind], pk=pk)
    form = FollowForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "target": target, "kind": kind}
    if request.method != "POST":
        return render(request, "alerts/follow.html", context)
    if not _client_allowed(request):
        context["problem"] = "Too many follow requests from your network: try again in an hour."
        return render(request, "alerts/follow.html", context, status=429)
    if not form.is_valid():
        return render(request, "alerts/follow.html", context, status=400)
    email = form.cleaned_data["email"]
    try:
        started = services.follow_start(email=email, target=target)
    except (smtplib.SMTPException, OSError):
        context["problem"] = "The confirmation mail could not be sent just now: try again later."
        return render(request, "alerts/follow.html", context, status=503)
    return render(
        request,
        "alerts/follow_started.html",
        {"target": target, "email": email, "started": started.value},
    )


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """A confirmation link: a button to confirm (mail scanners that open links confirm
    nothing), and the follows it confirmed."""
    if request.method != "POST":
        return render(request, "alerts/confirm.html", {"token": token})
    try:
        follows = services.follow_confirm(token=token)
    except signing.BadSignature:
        return render(request, "alerts/confirm.html", {"invalid": True}, status=400)
    return render(request, "alerts/confirm.html", {"follows": follows})


# Mail clients unsubscribe with a POST of their own (RFC 8058), without a CSRF token: the
# signed token in the address is what proves the link came from one of our mails.
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """An unsubscribe link: one click on its button ends every follow of the address."""
    if request.method != "POST":
        return render(request, "alerts/unsubscribe.html", {"token": token})
    try:
        email = services.unsubscribe(token=token)
    except signing.BadSignature:
        return render(request, "alerts/unsubscribe.html", {"invalid": True}, status=400)
    return render(request, "alerts/unsubscribe.html", {"done": True, "email": email})
