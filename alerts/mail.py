"""The mails alerts send: the confirmation of a follow, the digest of a batch, and the notice
that a webhook endpoint is failing. Each has a plain-text and an HTML body."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

CONFIRM_SALT = "alerts.confirm"
UNSUBSCRIBE_SALT = "alerts.unsubscribe"
# How long a confirmation link works.
CONFIRM_MAX_AGE = 7 * 24 * 3600


def confirm_url(subscriber, subscriptions) -> str:
    """A signed link that confirms these follows, and only these, of this address."""
    token = signing.dumps(
        {"s": subscriber.pk, "f": [s.pk for s in subscriptions]}, salt=CONFIRM_SALT
    )
    return settings.SITE_URL + reverse("alerts:confirm", args=[token])


def unsubscribe_url(subscriber) -> str:
    """A signed link that ends every follow of this address."""
    token = signing.dumps(subscriber.pk, salt=UNSUBSCRIBE_SALT)
    return settings.SITE_URL + reverse("alerts:unsubscribe", args=[token])


def _send(to: str, template: str, context: dict, headers: dict | None = None) -> None:
    context = {**context, "site_url": settings.SITE_URL}
    subject = render_to_string(f"alerts/email/{template}_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"alerts/email/{template}.txt", context),
        to=[to],
        headers=headers,
    )
    message.attach_alternative(
        render_to_string(f"alerts/email/{template}.html", context), "text/html"
    )
    message.send()


def confirmation_send(subscriber, subscriptions) -> None:
    """Ask the address to confirm the follows it was given."""
    _send(
        subscriber.email,
        "confirmation",
        {"subscriptions": subscriptions, "confirm_url": confirm_url(subscriber, subscriptions)},
    )


def digest_send(digest) -> None:
    """Tell a confirmed address what changed, in one mail, with a one-click unsubscribe
    (RFC 8058: mail clients POST to the List-Unsubscribe address)."""
    unsubscribe = unsubscribe_url(digest.subscriber)
    events = list(digest.events.order_by("created_at"))
    _send(
        digest.subscriber.email,
        "digest",
        {"events": events, "unsubscribe_url": unsubscribe},
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def endpoint_failing_send(endpoint, error: str) -> None:
    """Tell a webhook's owner that its endpoint stopped accepting deliveries."""
    if endpoint.owner.email:
        _send(endpoint.owner.email, "endpoint_failing", {"endpoint": endpoint, "error": error})
