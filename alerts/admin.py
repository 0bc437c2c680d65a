"""Alerts in the admin: webhook endpoints with their delivery log and a test button, the
outbox, and the addresses that follow pages. Writes go through alerts/services.py."""

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from . import services
from .models import Digest, Event, Subscriber, Subscription, WebhookDelivery, WebhookEndpoint


class ReadOnlyAdmin(admin.ModelAdmin):
    """What the worker writes: looked at, never edited by hand."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "owner", "failing_since", "delivery_log"]
    list_filter = [("failing_since", admin.EmptyFieldListFilter)]
    search_fields = ["name", "url", "owner__username"]
    fields = ["owner", "name", "url", "events", "failing_since", "delivery_log"]
    readonly_fields = ["failing_since", "delivery_log"]
    autocomplete_fields = ["owner"]
    actions = ["send_test_event"]
    # Django 6's default, as the curators' admin has it: a URL typed without a scheme is https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="Delivery log")
    def delivery_log(self, endpoint: WebhookEndpoint) -> str:
        if endpoint.pk is None:
            return "—"
        url = reverse("admin:alerts_webhookdelivery_changelist")
        return format_html('<a href="{}?endpoint__id__exact={}">Deliveries</a>', url, endpoint.pk)

    def save_model(self, request, obj, form, change) -> None:
        secret = services.endpoint_save(endpoint=obj)
        if secret:
            messages.warning(
                request, f"The endpoint's secret, shown this once: {secret} — give it to its owner."
            )

    @admin.action(description="Send a test event")
    def send_test_event(self, request, queryset) -> None:
        for endpoint in queryset:
            services.test_event_send(endpoint=endpoint)
        messages.success(
            request,
            f"A test event was queued for {len(queryset)} endpoint(s): the worker sends it in its "
            "next batch, and the delivery log shows how it went.",
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "endpoint",
        "event_type",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "delivered_at",
        "next_attempt_at",
    ]
    list_filter = ["status", "endpoint"]
    list_select_related = ["endpoint", "event"]
    date_hierarchy = "created_at"

    @admin.display(description="Event", ordering="event__type")
    def event_type(self, delivery: WebhookDelivery) -> str:
        return delivery.event.type


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "type", "headline", "dispatched_at", "is_undone"]
    list_filter = ["type", "is_undone", ("dispatched_at", admin.EmptyFieldListFilter)]
    search_fields = ["headline"]
    date_hierarchy = "created_at"
    exclude = ["record_type"]


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    fields = ["target_name", "target", "created_at", "confirmed_at"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnlyAdmin):
    """Addresses are added by their owners only (the follow form); deleting one here ends its
    follows, as its unsubscribe link does."""

    list_display = ["email", "follows", "created_at", "confirmation_sent_at"]
    search_fields = ["email"]
    inlines = [SubscriptionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(follow_count=Count("subscriptions"))

    @admin.display(description="Follows", ordering="follow_count")
    def follows(self, subscriber: Subscriber) -> int:
        return subscriber.follow_count


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "subscriber", "status", "attempts", "last_error", "delivered_at"]
    list_filter = ["status"]
    list_select_related = ["subscriber"]
    exclude = ["events"]
