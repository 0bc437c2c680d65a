"""The worker's side of the outbox: batches of events become deliveries, and deliveries are
attempted until they are accepted or a day has passed."""

import datetime
import logging
from collections import defaultdict
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.request import Request

from requests_app.api import views
from requests_app.models import (
    Action,
    AidRequest,
    AidResponse,
    Citation,
    Contribution,
    DataVersion,
    PolicyStance,
    Role,
)
from requests_app.models import Event as ContextEvent

from . import mail
from .models import Digest, Event, Outgoing, Subscription, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

# Events one batch takes at most; the rest wait for the next.
BATCH_SIZE = 500
# Deliveries one batch hands to the worker at most.
HAND_OUT = 200

# How the API shows each record an event can be about.
API_VIEWS = {
    AidRequest: views.AidRequestViewSet,
    AidResponse: views.AidResponseViewSet,
    Action: views.ActionViewSet,
    PolicyStance: views.StanceViewSet,
    Contribution: views.ContributionViewSet,
    ContextEvent: views.EventViewSet,
    Role: views.RoleViewSet,
}
# The record whose existence an event's change rests on, by the key that names it.
CAUSES = {"citation": Citation, "superseded_by": PolicyStance}


class SiteRequest(HttpRequest):
    """A GET of SITE_URL: the API's serializers make the links of payloads and mails from it,
    as they do from a reader's request."""

    def __init__(self) -> None:
        super().__init__()
        self.method = "GET"
        self.site = urlsplit(settings.SITE_URL)

    def _get_scheme(self) -> str:
        return self.site.scheme

    def get_host(self) -> str:
        return self.site.netloc


def _existing(pairs) -> set[tuple[type, int]]:
    """Of (model, pk) pairs, those whose record still exists: one query per model."""
    by_model = defaultdict(set)
    for model, pk in pairs:
        by_model[model].add(pk)
    return {
        (model, pk)
        for model, pks in by_model.items()
        for pk in model.objects.filter(pk__in=pks).values_list("pk", flat=True)
    }


def _causes(event: Event) -> list[tuple[type, int]]:
    """The records an event's change rests on: the disputing citation, the newer stance."""
    return [(CAUSES[key], pk) for key, pk in event.change.items() if key in CAUSES]


def undone(events: list[Event]) -> set:
    """The events of a batch that nobody should hear of: their record, or what caused them,
    was deleted within the batch; a status that changed and changed back; and all but the last
    of a request's status changes (which then says where the batch started from)."""
    records = [(event.record_type.model_class(), event.record_id) for event in events]
    existing = _existing([*records, *(cause for event in events for cause in _causes(event))])
    dropped = set()
    for event, record in zip(events, records, strict=True):
        if record not in existing or any(cause not in existing for cause in _causes(event)):
            dropped.add(event.pk)
    changes = defaultdict(list)
    for event in events:
        if event.type == Event.Type.REQUEST_STATUS_CHANGED and event.pk not in dropped:
            changes[event.record_id].append(event)
    for series in changes.values():
        first, last = series[0], series[-1]
        dropped.update(event.pk for event in series[:-1])
        last.change = {"from": first.change["from"], "to": last.change["to"]}
        if last.change["from"] == last.change["to"]:
            dropped.add(last.pk)
    return dropped


def headline(event: Event, record) -> str:
    """The line a digest shows: 'New response: Declined: … (28 November 2024)'."""
    if event.type == Event.Type.REQUEST_STATUS_CHANGED:
        before, after = (AidRequest.Status(event.change[key]).label for key in ("from", "to"))
        return f"{record}: {before} → {after}"
    return f"{event.get_type_display()}: {record}"


def describe(events: list[Event]) -> set:
    """Fill in each event's record as the API shows it now, its links and the data version:
    one query set per kind of record, whatever the number of events. The events whose record
    the API does not show, which nobody is told of."""
    request = Request(SiteRequest())
    version = DataVersion.objects.current()
    by_model = defaultdict(list)
    for event in events:
        by_model[event.record_type.model_class()].append(event)
    hidden = set()
    for model, group in by_model.items():
        view = API_VIEWS[model](request=request, format_kwarg=None, action="retrieve", kwargs={})
        view.detail = True
        records = list(view.get_queryset().filter(pk__in={event.record_id for event in group}))
        shown = view.get_serializer(records, many=True).data
        found = {record.pk: (record, data) for record, data in zip(records, shown, strict=True)}
        for event in group:
            if event.record_id not in found:
                hidden.add(event.pk)
                continue
            record, data = found[event.record_id]
            event.data, event.data_version = data, version
            event.url = data.get("url", "")
            event.page_url = settings.SITE_URL + record.get_absolute_url()
            event.headline = headline(event, record)[:400]
    return hidden


@transaction.atomic
def batch_dispatch() -> list[Event]:
    """Take the events recorded since the last batch, drop those undone within it, and make the
    deliveries of the others: one per event for each working endpoint that wants its type, and
    one digest for each confirmed address that follows anything they involve. The events told."""
    now = timezone.now()
    events = list(
        Event.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("record_type")
        .filter(dispatched_at__isnull=True)
        .order_by("created_at")[:BATCH_SIZE]
    )
    dropped = undone(events)
    dropped |= describe([event for event in events if event.pk not in dropped])
    told = [event for event in events if event.pk not in dropped]
    endpoints = list(WebhookEndpoint.objects.filter(failing_since__isnull=True))
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event=event, created_at=now, next_attempt_at=now)
        for event in told
        for endpoint in endpoints
        if endpoint.wants(event.type)
    )
    _digests_make(told, now)
    for event in events:
        event.dispatched_at, event.is_undone = now, event.pk in dropped
    fields = ["dispatched_at", "is_undone", "change", "headline", "url", "page_url"]
    Event.objects.bulk_update(events, [*fields, "data_version", "data"])
    return told


def _digests_make(events: list[Event], now: datetime.datetime) -> None:
    """One digest per confirmed address, of the events that involve what it follows and were
    recorded after it confirmed."""
    followers = defaultdict(list)
    subjects = {subject for event in events for subject in event.subjects}
    confirmed = Subscription.objects.filter(target__in=subjects, confirmed_at__isnull=False)
    for subscriber_id, target, since in confirmed.values_list(
        "subscriber_id", "target", "confirmed_at"
    ):
        followers[target].append((subscriber_id, since))
    told = defaultdict(list)
    for event in events:
        following = {
            subscriber_id
            for subject in event.subjects
            for subscriber_id, since in followers[subject]
            if since <= event.created_at
        }
        for subscriber_id in following:
            told[subscriber_id].append(event)
    digests = Digest.objects.bulk_create(
        Digest(subscriber_id=subscriber_id, created_at=now, next_attempt_at=now)
        for subscriber_id in told
    )
    Digest.events.through.objects.bulk_create(
        Digest.events.through(digest_id=digest.pk, event_id=event.pk)
        for digest in digests
        for event in told[digest.subscriber_id]
    )


@transaction.atomic
def due_take(model: type[Outgoing]) -> list[Outgoing]:
    """Take what is due to be sent, each counted an attempt and leased for
    ALERTS_LEASE_SECONDS: no other batch hands it out meanwhile, and if the worker that
    takes it dies before recording the outcome, a later batch hands it out again."""
    now = timezone.now()
    due = model.objects.due(now).select_for_update(skip_locked=True).order_by("next_attempt_at")
    taken = list(due[:HAND_OUT])
    for item in taken:
        item.attempts += 1
        item.last_attempt_at = now
        item.next_attempt_at = now + datetime.timedelta(seconds=settings.ALERTS_LEASE_SECONDS)
    model.objects.bulk_update(taken, ["attempts", "last_attempt_at", "next_attempt_at"])
    return taken


def attempt_succeeded(item: Outgoing, **outcome) -> None:
    """Record that the attempt was accepted (unless a later attempt was taken meanwhile)."""
    now = timezone.now()
    type(item).objects.filter(pk=item.pk, attempts=item.attempts).update(
        status=Outgoing.Status.DELIVERED, delivered_at=now, last_error="", **outcome
    )
    if isinstance(item, WebhookDelivery):
        # A delivery that gets through (a test event, say) ends the endpoint's failing.
        WebhookEndpoint.objects.filter(pk=item.endpoint_id).update(failing_since=None)


def attempt_failed(item: Outgoing, error: str, **outcome) -> None:
    """Record a failed attempt: tried again after a backoff, or, a day after the first,
    given up; an endpoint whose delivery is given up is marked failing and its owner told."""
    logger.warning("%s: attempt %s failed: %s", item, item.attempts, error)
    rows = type(item).objects.filter(pk=item.pk, attempts=item.attempts)
    if not item.is_expired:
        rows.update(
            last_error=error, next_attempt_at=timezone.now() + item.retry_delay(), **outcome
        )
        return
    rows.update(status=Outgoing.Status.FAILED, last_error=error, **outcome)
    if isinstance(item, WebhookDelivery):
        marked = WebhookEndpoint.objects.filter(
            pk=item.endpoint_id, failing_since__isnull=True
        ).update(failing_since=timezone.now())
        if marked:
            mail.endpoint_failing_send(item.endpoint, error)


def outbox_prune() -> None:
    """Forget what was settled more than ALERTS_KEEP_DAYS ago: deliveries and digests sent or
    given up, and the events that nothing is left to send of."""
    before = timezone.now() - datetime.timedelta(days=settings.ALERTS_KEEP_DAYS)
    for model in (WebhookDelivery, Digest):
        model.objects.filter(created_at__lt=before).exclude(status=Outgoing.Status.PENDING).delete()
    Event.objects.filter(dispatched_at__lt=before).exclude(
        webhook_deliveries__status=Outgoing.Status.PENDING
    ).exclude(digests__status=Outgoing.Status.PENDING).delete()
