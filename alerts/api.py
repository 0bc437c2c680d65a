"""The webhook API, /api/v1/webhooks/: a signed-in user with the permission registers the URLs
that are sent events, and the schema documents what they are sent."""

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiCallback,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import permissions, serializers, viewsets

from . import services
from .models import Event, WebhookEndpoint

EVENT_TYPES = [value for value in Event.Type.values if value != Event.Type.TEST]
SHAPES = """
| type | data: the record as the API shows it |
| --- | --- |
| `request.created` | the new aid request (`/api/v1/requests/{id}/`) |
| `request.status_changed` | the aid request, with its new `status` |
| `response.created` | the new aid response (`/api/v1/responses/{id}/`) |
| `action.created` | the new action (`/api/v1/actions/{slug}/`) |
| `stance.created` | the new stance (`/api/v1/stances/{slug}/`) |
| `stance.superseded` | the stance superseded, whose `superseded_by` names the newer one |
| `fact.disputed` | the fact a new citation disputes, with `disputed: true` |
| `webhook.test` | `{"message": …}`: sent from the admin's "Send a test event" |
"""


class WebhookEndpointSerializer(serializers.ModelSerializer):
    secret = serializers.CharField(
        write_only=True,
        required=False,
        min_length=16,
        max_length=128,
        help_text="Signs every delivery. Write-only: when omitted on registration, one is "
        "generated and returned in that response only.",
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=[*EVENT_TYPES, "*"]),
        help_text='The event types to send, or ["*"] for all of them.',
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "name", "url", "secret", "events", "failing_since", "created_at"]
        read_only_fields = ["failing_since", "created_at"]

    @transaction.atomic
    def create(self, validated_data):
        endpoint = WebhookEndpoint(**validated_data)
        self.generated_secret = services.endpoint_save(endpoint=endpoint)
        return endpoint

    @transaction.atomic
    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        services.endpoint_save(endpoint=instance)
        return instance

    def to_representation(self, instance):
        shown = super().to_representation(instance)
        if getattr(self, "generated_secret", None):
            shown["secret"] = self.generated_secret
        return shown


class DeliverySerializer(serializers.Serializer):
    """What a webhook is POSTed: one event."""

    id = serializers.UUIDField(
        help_text="The event's id, also sent as `Idempotency-Key`: a repeated delivery (after "
        "a crash or a retry) carries the same, so that a receiver handles each event once."
    )
    type = serializers.ChoiceField(choices=Event.Type.values, help_text="What happened.")
    created_at = serializers.DateTimeField(help_text="When the write that made it was made.")
    data_version = serializers.IntegerField(
        help_text="The API's data version that `data` was read at."
    )
    url = serializers.URLField(help_text="The record in the API.")
    data = serializers.JSONField(help_text="The record as the API shows it:\n" + SHAPES)


DELIVERY = OpenApiCallback(
    "event",
    "{$request.body#/url}",
    extend_schema(
        summary="An event, POSTed to a registered webhook",
        description="Sent by the worker within a batch (ALERTS_BATCH_SECONDS) of the write. "
        "Verify `X-Aidtracker-Signature` (`t=<unix time>,v1=<hex HMAC-SHA256 of "
        '"<t>.<body>" with the secret>`) and refuse a `t` older than five minutes; '
        "deduplicate by `Idempotency-Key`. Any 2xx answer accepts it; anything else, or no "
        "answer within 10 seconds, is retried with exponential backoff and jitter for a day, "
        "after which the endpoint is marked failing and its owner mailed.",
        request=DeliverySerializer,
        parameters=[
            OpenApiParameter(
                "X-Aidtracker-Signature",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description='`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">`',
            ),
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.UUID,
                OpenApiParameter.HEADER,
                required=True,
                description="The event's id: the same on every attempt.",
            ),
        ],
        responses={200: OpenApiResponse(description="Accepted (any 2xx).")},
    ),
)


class WebhookPermissions(permissions.DjangoModelPermissions):
    """The alerts app's permissions on webhook endpoints, reading included."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }


ERRORS = {
    400: OpenApiResponse(
        description="A field is invalid (a URL webhooks may not reach, an "
        "unknown event type); the body names it, and nothing was saved."
    ),
    401: OpenApiResponse(description="Not authenticated: send `Authorization: Token <key>`."),
    403: OpenApiResponse(description="Authenticated, without the webhook endpoint permission."),
    404: OpenApiResponse(description="No such webhook among yours."),
    429: OpenApiResponse(description="Too many requests from this client: see Retry-After."),
}
RESUMES = "Changing a failing webhook sends it events again."


@extend_schema_view(
    list=extend_schema(
        summary="Your webhooks", responses={200: WebhookEndpointSerializer, **ERRORS}
    ),
    retrieve=extend_schema(
        summary="One of your webhooks", responses={200: WebhookEndpointSerializer, **ERRORS}
    ),
    create=extend_schema(
        summary="Register a webhook",
        description="Registers a URL to be sent the events named in `events` ("
        + ", ".join(f"`{t}`" for t in EVENT_TYPES)
        + ', or `["*"]`). The URL must be http or https and reach a public address. Without '
        "a `secret`, one is generated and returned in this response only.",
        responses={201: WebhookEndpointSerializer, **ERRORS},
        callbacks=[DELIVERY],
    ),
    update=extend_schema(
        summary="Replace a webhook",
        description=RESUMES,
        responses={200: WebhookEndpointSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change a webhook",
        description=RESUMES,
        responses={200: WebhookEndpointSerializer, **ERRORS},
    ),
    destroy=extend_schema(summary="Delete a webhook", responses={204: None, **ERRORS}),
)
class WebhookEndpointViewSet(viewsets.ModelViewSet):
    """Webhooks of the signed-in user, who needs the alerts app's webhook permissions."""

    serializer_class = WebhookEndpointSerializer
    permission_classes = [WebhookPermissions]
    queryset = WebhookEndpoint.objects.all()

    def get_queryset(self):
        return WebhookEndpoint.objects.filter(owner=self.request.user.pk)

    def perform_create(self, serializer) -> None:
        serializer.save(owner=self.request.user)
