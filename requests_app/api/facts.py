"""API representations of facts: stances, events, requests and their responses, contributions,
roles and actions, each with its citations."""

from rest_framework import serializers

from .. import services
from ..models import (
    Action,
    AidRequest,
    AidResponse,
    Contribution,
    Event,
    PolicyStance,
    Role,
)
from .fields import SummaryField, api_url, page_url
from .serializers import CitedQuoteSerializer, FactSerializer
from .summaries import (
    ActorSummarySerializer,
    EventSummarySerializer,
    ItemSummarySerializer,
    RequestSummarySerializer,
    ResponseSummarySerializer,
    StanceSummarySerializer,
)


class StanceSerializer(FactSerializer):
    url = api_url("stance-detail")
    html_url = page_url("stance-detail")
    holder = SummaryField(ActorSummarySerializer, help_text="The government that holds it.")
    supersedes = SummaryField(
        StanceSummarySerializer,
        required=False,
        allow_null=True,
        help_text="The earlier stance it replaced.",
    )
    trigger = SummaryField(
        EventSummarySerializer,
        required=False,
        allow_null=True,
        help_text="The event that prompted it.",
    )
    voiced_by = SummaryField(
        ActorSummarySerializer,
        required=False,
        allow_null=True,
        help_text="The person who announced it (actor slug).",
    )
    scope = serializers.JSONField(
        required=False,
        help_text='Which aid it covers: {"lethality": [...], "categories": [...]}, each list '
        'empty for all (e.g. lethal aid only: {"lethality": ["lethal"]}).',
    )

    class Meta:
        model = PolicyStance
        fields = [
            "slug",
            "url",
            "html_url",
            "holder",
            "title",
            "subject",
            "summary",
            "position",
            "legal_basis",
            "condition",
            "scope",
            "voiced_by",
            "in_force_from",
            "in_force_from_precision",
            "in_force_until",
            "in_force_until_precision",
            "supersedes",
            "trigger",
            "conflict_note",
            "disputed",
            "review_state",
            "citations",
            "created_at",
            "updated_at",
        ]


class EventSerializer(FactSerializer):
    url = api_url("event-detail")
    html_url = page_url("event-detail")
    actors = SummaryField(
        ActorSummarySerializer, many=True, required=False, help_text="Who took part."
    )

    class Meta:
        model = Event
        fields = [
            "slug",
            "url",
            "html_url",
            "title",
            "summary",
            "kind",
            "occurred_on",
            "occurred_on_precision",
            "location",
            "actors",
            "conflict_note",
            "disputed",
            "review_state",
            "citations",
            "created_at",
            "updated_at",
        ]


class ResponseInRequestSerializer(serializers.ModelSerializer):
    """A response as it appears inside its request."""

    url = api_url("response-detail", "pk")
    responder = ActorSummarySerializer(read_only=True, help_text="Who answered.")
    stance = StanceSummarySerializer(
        read_only=True, allow_null=True, help_text="The stance the answer rests on, if any."
    )
    citations = CitedQuoteSerializer(many=True, read_only=True, help_text="Quotes reporting it.")
    disputed = serializers.BooleanField(
        source="is_disputed",
        read_only=True,
        help_text="Whether a source disputes it, or other reports contradict it.",
    )

    class Meta:
        model = AidResponse
        fields = [
            "id",
            "url",
            "disputed",
            "review_state",
            "decision",
            "responded_on",
            "responded_on_precision",
            "responder",
            "summary",
            "reason",
            "stance",
            "citations",
        ]


class AidRequestSerializer(FactSerializer):
    url = api_url("request-detail", "pk")
    html_url = page_url("request-detail", "pk")
    requester = SummaryField(ActorSummarySerializer, help_text="Who asked (actor slug on writes).")
    addressee = SummaryField(ActorSummarySerializer, help_text="Whom it asked (actor slug).")
    voiced_by = SummaryField(
        ActorSummarySerializer,
        required=False,
        allow_null=True,
        help_text="The person or body that made the request (actor slug).",
    )
    item = SummaryField(ItemSummarySerializer, help_text="What was asked for (item slug).")
    current_stance = StanceSummarySerializer(
        read_only=True, allow_null=True, help_text="The stance behind the latest response."
    )
    responses = ResponseInRequestSerializer(
        many=True, read_only=True, help_text="Answers, oldest first."
    )

    class Meta:
        model = AidRequest
        fields = [
            "id",
            "url",
            "html_url",
            "slug",
            "title",
            "summary",
            "status",
            "requester",
            "addressee",
            "voiced_by",
            "item",
            "quantity",
            "quantity_text",
            "quantity_min",
            "quantity_max",
            "made_on",
            "made_on_precision",
            "channel",
            "mode",
            "current_stance",
            "conflict_note",
            "disputed",
            "review_state",
            "responses",
            "citations",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status"]


class AidResponseSerializer(FactSerializer):
    url = api_url("response-detail", "pk")
    request = SummaryField(
        RequestSummarySerializer, lookup="pk", help_text="The request answered (id on writes)."
    )
    responder = SummaryField(ActorSummarySerializer, help_text="Who answered (actor slug).")
    voiced_by = SummaryField(
        ActorSummarySerializer,
        required=False,
        allow_null=True,
        help_text="The person or body that gave the answer (actor slug).",
    )
    stance = SummaryField(
        StanceSummarySerializer,
        required=False,
        allow_null=True,
        help_text="The stance the answer rests on (stance slug).",
    )
    conflicts_with = SummaryField(
        ResponseSummarySerializer,
        lookup="pk",
        many=True,
        required=False,
        help_text="Other reports of the same answer that disagree with it (ids).",
    )

    def save_record(self, *, record, related: dict, citations: list, expected_version=None):
        return services.response_save(
            response=record,
            conflicts_with=related.get("conflicts_with"),
            citations=citations,
            expected_version=expected_version,
        )

    class Meta:
        model = AidResponse
        fields = [
            "id",
            "url",
            "slug",
            "request",
            "responder",
            "voiced_by",
            "responded_on",
            "responded_on_precision",
            "decision",
            "summary",
            "reason",
            "stance",
            "conflicts_with",
            "conflict_note",
            "disputed",
            "review_state",
            "citations",
            "created_at",
            "updated_at",
        ]


class ContributionSerializer(FactSerializer):
    url = api_url("contribution-detail")
    html_url = page_url("contribution-detail")
    donor = SummaryField(ActorSummarySerializer, help_text="Who gives (actor slug).")
    recipient = SummaryField(ActorSummarySerializer, help_text="Who receives (actor slug).")
    intermediary = SummaryField(
        ActorSummarySerializer,
        required=False,
        allow_null=True,
        help_text="A third country the aid goes through (actor slug).",
    )
    item = SummaryField(
        ItemSummarySerializer, required=False, allow_null=True, help_text="What (item slug)."
    )
    request = SummaryField(
        RequestSummarySerializer,
        lookup="pk",
        required=False,
        allow_null=True,
        help_text="The request it answers (id).",
    )

    class Meta:
        model = Contribution
        fields = [
            "slug",
            "url",
            "html_url",
            "donor",
            "recipient",
            "intermediary",
            "item",
            "request",
            "description",
            "quantity",
            "quantity_text",
            "quantity_min",
            "quantity_max",
            "amount",
            "currency",
            "amount_qualifier",
            "amount_usd",
            "amount_usd_qualifier",
            "status",
            "given_on",
            "given_on_precision",
            "conflict_note",
            "disputed",
            "review_state",
            "citations",
            "created_at",
            "updated_at",
        ]


class RoleSerializer(FactSerializer):
    url = api_url("role-detail")
    html_url = page_url("actor-detail", attribute="person.slug")
    person = SummaryField(ActorSummarySerializer, help_text="Who holds it (actor slug).")
    organisation = SummaryField(
        ActorSummarySerializer,
        required=False,
        allow_null=True,
        help_text="Whom the office belongs to (actor slug).",
    )
    is_current = serializers.BooleanField(
        read_only=True, help_text="Whether the term goes on today: no end reported."
    )

    class Meta:
        model = Role
        fields = [
            "slug",
            "url",
            "html_url",
            "person",
            "title",
            "organisation",
            "held_from",
            "held_from_precision",
            "held_until",
            "held_until_precision",
            "started_on",
            "started_on_precision",
            "ended_on",
            "ended_on_precision",
            "end_reason",
            "is_current",
            "conflict_note",
            "disputed",
            "review_state",
            "citations",
            "created_at",
            "updated_at",
        ]


class ActionSerializer(FactSerializer):
    url = api_url("action-detail")
    html_url = page_url("action-detail")
    actor = SummaryField(ActorSummarySerializer, help_text="Who acted (actor slug).")
    counterpart = SummaryField(ActorSummarySerializer, help_text="Toward whom (actor slug).")
    request = SummaryField(
        RequestSummarySerializer,
        lookup="pk",
        required=False,
        allow_null=True,
        help_text="The request it turns out to answer, if any (id).",
    )

    class Meta:
        model = Action
        fields = [
            "slug",
            "url",
            "html_url",
            "actor",
            "counterpart",
            "kind",
            "occurred_on",
            "occurred_on_precision",
            "summary",
            "request",
            "conflict_note",
            "disputed",
            "review_state",
            "citations",
            "created_at",
            "updated_at",
        ]


class FactReviewSerializer(serializers.Serializer):
    """A second reading of a fact, by a curator who neither made nor edited it."""

    state = serializers.ChoiceField(
        choices=[("reviewed", "Reviewed"), ("questioned", "Questioned")],
        help_text="reviewed: it claims no more than its quotes; questioned: say what to check.",
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="What is questioned (required for questioned), or a remark.",
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The version read; a newer one saved since answers 412. Or send If-Match.",
    )
