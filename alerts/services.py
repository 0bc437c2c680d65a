"""Every write of alerts, one keyword-only function each: the follow form, the confirmation and
unsubscribe links, the webhook API and the admin come here."""

import datetime
import enum
import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import transaction
from django.utils import timezone

from requests_app.models import Actor, AidRequest, DataVersion, Item, PolicyStance

from . import mail
from .models import Event, Subscriber, Subscription, WebhookDelivery, WebhookEndpoint

# What a reader can follow, by the name subscriptions and events use for it.
FOLLOWABLE = {"request": AidRequest, "actor": Actor, "item": Item, "stance": PolicyStance}
# One confirmation mail at most per address in this time, however many follows are asked.
CONFIRMATION_INTERVAL = datetime.timedelta(hours=1)


class FollowStarted(enum.Enum):
    SENT = "sent"  # a confirmation link was mailed
    WAITING = "waiting"  # one was mailed less than an hour ago: no other leaves yet
    ALREADY = "already"  # the address already follows it


def target_key(record) -> str:
    kind = next(kind for kind, model in FOLLOWABLE.items() if isinstance(record, model))
    return f"{kind}:{record.pk}"


@transaction.atomic
def follow_start(*, email: str, target) -> FollowStarted:
    """Start following `target` (a request, actor, item or stance) from an address: the follow
    counts once the address confirms it by the link mailed to it. If the mail cannot be sent,
    nothing is kept."""
    subscriber, _ = Subscriber.objects.select_for_update().get_or_create(email=email.lower())
    subscription, _ = Subscription.objects.get_or_create(
        subscriber=subscriber,
        target=target_key(target),
        defaults={"target_name": str(target)[:300]},
    )
    if subscription.confirmed_at:
        return FollowStarted.ALREADY
    now = timezone.now()
    sent = subscriber.confirmation_sent_at
    if sent and now - sent < CONFIRMATION_INTERVAL:
        return FollowStarted.WAITING
    mail.confirmation_send(subscriber, list(subscriber.subscriptions.filter(confirmed_at=None)))
    subscriber.confirmation_sent_at = now
    subscriber.save(update_fields=["confirmation_sent_at"])
    return FollowStarted.SENT


@transaction.atomic
def follow_confirm(*, token: str) -> list[Subscription]:
    """Confirm the follows a confirmation link names; signing.BadSignature if it is not one
    of ours or has expired."""
    signed = signing.loads(token, salt=mail.CONFIRM_SALT, max_age=mail.CONFIRM_MAX_AGE)
    follows = Subscription.objects.filter(subscriber_id=signed["s"], pk__in=signed["f"])
    follows.filter(confirmed_at=None).update(confirmed_at=timezone.now())
    return list(follows.select_related("subscriber"))


@transaction.atomic
def unsubscribe(*, token: str) -> str | None:
    """End every follow of the address an unsubscribe link names, and forget the address; the
    address, or None if it had already gone. signing.BadSignature if the link is not ours."""
    subscriber = Subscriber.objects.filter(
        pk=signing.loads(token, salt=mail.UNSUBSCRIBE_SALT)
    ).first()
    if subscriber is None:
        return None
    subscriber.delete()
    return subscriber.email


@transaction.atomic
def endpoint_save(*, endpoint: WebhookEndpoint) -> str | None:
    """Register or change a webhook endpoint, validated (its URL must reach a public address);
    a changed endpoint is sent events again if it was failing. The secret, if one had to be
    generated: it is shown this once."""
    generated = None
    if not endpoint.secret:
        endpoint.secret = generated = secrets.token_urlsafe(32)
    endpoint.failing_since = None
    endpoint.full_clean()
    endpoint.save()
    return generated


@transaction.atomic
def test_event_send(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Queue a test event for one endpoint, signed as any other; the worker sends it in its
    next batch, and a test event that gets through ends the endpoint's failing."""
    now = timezone.now()
    event = Event.objects.create(
        type=Event.Type.TEST,
        record_type=ContentType.objects.get_for_model(endpoint),
        record_id=endpoint.pk,
        dispatched_at=now,
        headline=f"Test event for {endpoint.name}",
        url=settings.SITE_URL + endpoint.get_absolute_url(),
        data_version=DataVersion.objects.current(),
        data={"message": "A test event: this endpoint receives and can verify deliveries."},
    )
    return WebhookDelivery.objects.create(
        endpoint=endpoint, event=event, created_at=now, next_attempt_at=now
    )
