"""The outbox of changes, and who is told of them: readers who follow by email, machines
through webhooks; each delivery with its attempts."""

import datetime
import random
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .addresses import UnsafeURL, public_address


class Event(models.Model):
    """A change readers and machines can be told of, recorded in the same transaction as the
    write that makes it; the worker turns it into deliveries in the next batch."""

    class Type(models.TextChoices):
        REQUEST_CREATED = "request.created", "New request"
        REQUEST_STATUS_CHANGED = "request.status_changed", "Request status changed"
        RESPONSE_CREATED = "response.created", "New response"
        ACTION_CREATED = "action.created", "New action"
        STANCE_CREATED = "stance.created", "New stance"
        STANCE_SUPERSEDED = "stance.superseded", "Stance superseded"
        FACT_DISPUTED = "fact.disputed", "Fact disputed"
        # Sent to one endpoint from the admin, never to followers.
        TEST = "webhook.test", "Test event"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=30, choices=Type)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    record_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    record_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("record_type", "record_id")
    subjects = models.JSONField(
        default=list,
        help_text='What a follower may follow that the change involves: "request:10", "actor:3".',
    )
    change = models.JSONField(
        default=dict,
        blank=True,
        help_text='What changed: {"from": "pending", "to": "declined"} for a status; the citation '
        "or the newer stance that caused a dispute or a supersession.",
    )
    dispatched_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="When a batch took it; blank until then."
    )
    is_undone = models.BooleanField(
        default=False,
        help_text="Undone within its batch (its record deleted, or its change "
        "reverted): nobody was told.",
    )
    # What the batch found, sent in every delivery of the event.
    headline = models.CharField(max_length=400, blank=True)
    url = models.URLField(max_length=500, blank=True, help_text="The record in the API.")
    page_url = models.URLField(max_length=500, blank=True, help_text="The record's page.")
    data_version = models.PositiveBigIntegerField(null=True, blank=True)
    data = models.JSONField(null=True, blank=True, help_text="The record as the API shows it.")

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.headline or f"{self.get_type_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return self.page_url


class OutgoingQuerySet(models.QuerySet):
    def due(self, now: datetime.datetime):
        return self.filter(status=Outgoing.Status.PENDING, next_attempt_at__lte=now)


class Outgoing(models.Model):
    """Something to send, tried until it is accepted or a day has passed."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    status = models.CharField(max_length=9, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0, help_text="Attempts started so far.")
    next_attempt_at = models.DateTimeField(
        default=timezone.now,
        db_index=True,
        help_text="When the worker next tries; moved on while an attempt runs, so that an "
        "attempt a crashed worker never finished is made again.",
    )
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = OutgoingQuerySet.as_manager()

    class Meta:
        abstract = True

    def retry_delay(self) -> datetime.timedelta:
        """Exponential backoff with jitter: 1, 2, 4… base delays (at most an hour), each cut by
        up to half at random, so that failed deliveries do not come back all at once."""
        ceiling = min(settings.ALERTS_RETRY_BASE_SECONDS * 2 ** (self.attempts - 1), 3600)
        return datetime.timedelta(seconds=ceiling * random.uniform(0.5, 1.0))

    @property
    def is_expired(self) -> bool:
        age = timezone.now() - self.created_at
        return age >= datetime.timedelta(hours=settings.ALERTS_RETRY_HOURS)


class WebhookEndpoint(models.Model):
    """A URL of a machine that is sent the events it asked for, signed with its secret."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    name = models.CharField(max_length=100, help_text="What the receiver is, for its owner.")
    url = models.URLField(max_length=500, help_text="Where events are POSTed (http or https).")
    secret = models.CharField(
        max_length=128, help_text="Signs every delivery (HMAC-SHA256); never shown again."
    )
    events = models.JSONField(
        default=list, help_text='The event types it is sent, or ["*"] for all of them.'
    )
    failing_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when a delivery failed for a day: no new events are sent until a test "
        "event gets through or the endpoint is changed.",
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text="When it was registered.")
    updated_at = models.DateTimeField(auto_now=True, help_text="When it was last changed.")

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "webhook endpoint"

    def __str__(self) -> str:
        return f"{self.name} ({self.url})"

    def get_absolute_url(self) -> str:
        return reverse("api:webhook-detail", args=[self.pk])

    def clean(self) -> None:
        try:
            public_address(self.url)
        except UnsafeURL as error:
            raise ValidationError({"url": str(error)}) from None
        known = set(Event.Type.values) - {Event.Type.TEST}
        if not isinstance(self.events, list) or not self.events:
            raise ValidationError({"events": 'Give a list of event types, or ["*"] for all.'})
        if self.events != ["*"] and set(self.events) - known:
            raise ValidationError(
                {"events": f'Event types are {", ".join(sorted(known))}; or ["*"] for all.'}
            )

    def wants(self, event_type: str) -> bool:
        return "*" in self.events or event_type in self.events


class WebhookDelivery(Outgoing):
    """One event POSTed to one endpoint: every attempt sends the same body and key."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="webhook_deliveries")
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhookdelivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.event.get_type_display()} to {self.endpoint.name}"

    def get_absolute_url(self) -> str:
        return reverse("admin:alerts_webhookdelivery_change", args=[self.pk])


class Subscriber(models.Model):
    """An email address that follows pages; it hears of nothing before it confirms."""

    email = models.EmailField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(
        null=True, blank=True, help_text="At most one confirmation mail an hour is sent."
    )

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def get_absolute_url(self) -> str:
        return reverse("admin:alerts_subscriber_change", args=[self.pk])


class Subscription(models.Model):
    """An address following one request, actor, item or stance."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    target = models.CharField(
        max_length=40, db_index=True, help_text='What is followed: "request:10", "actor:3".'
    )
    target_name = models.CharField(max_length=300, help_text="Its name when it was followed.")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["subscriber", "target"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "target"], name="subscription_once_per_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} follows {self.target_name}"

    def get_absolute_url(self) -> str:
        return self.subscriber.get_absolute_url()


class Digest(Outgoing):
    """One mail to one confirmed address: every change of a batch that it follows."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="digests")
    events = models.ManyToManyField(Event, related_name="digests")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Digest for {self.subscriber} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("admin:alerts_digest_change", args=[self.pk])
