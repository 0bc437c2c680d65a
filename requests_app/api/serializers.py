"""API representations: related records are written as a slug or id, read as small objects."""

from django.db import transaction
from django_countries.serializers import CountryFieldMixin
from rest_framework import serializers

from .. import services
from ..models import (
    Action,
    Actor,
    AidRequest,
    AidResponse,
    Citation,
    Contribution,
    Event,
    Item,
    PolicyStance,
    Role,
    SourceArticle,
)
from .fields import SummaryField, api_url, page_url
from .summaries import (
    ActionSummarySerializer,
    ActorSummarySerializer,
    ContributionSummarySerializer,
    EventSummarySerializer,
    ItemSummarySerializer,
    RequestSummarySerializer,
    ResponseSummarySerializer,
    RoleSummarySerializer,
    SourceSummarySerializer,
    StanceSummarySerializer,
)

# --------------------------------------------------------------------- citations


class CitedQuoteSerializer(serializers.ModelSerializer):
    """A citation inside the fact it supports; on creating a fact, its first citations."""

    source = SummaryField(
        SourceSummarySerializer, lookup="pk", help_text="The source article (id on writes)."
    )
    relayed_from = SummaryField(
        ActorSummarySerializer,
        required=False,
        allow_null=True,
        help_text="For a relayed report, the outlet that first reported it (actor slug).",
    )

    class Meta:
        model = Citation
        fields = ["id", "source", "quote", "relation", "attribution", "relayed_from", "note"]


class CuratedSerializer(serializers.ModelSerializer):
    """Declares and checks the shape of a record; its save goes through the services, which
    validate it as the admin does (a model error becomes a 400 naming the field)."""

    def get_fields(self) -> dict:
        fields = super().get_fields()
        if "slug" in fields:
            # Made from the name when left out, as in the admin.
            fields["slug"].required = False
        # Every record: the version it was read at, sent back on a change (or as If-Match).
        fields["version"] = serializers.IntegerField(
            required=False,
            min_value=1,
            help_text="Goes up by one at every save. On a change, send the version you read: "
            "if someone saved the record since, the change is refused with 412.",
        )
        return fields

    @transaction.atomic
    def create(self, validated_data):
        validated_data.pop("version", None)
        validated_data.pop("if_match", None)
        citations = [Citation(**c) for c in validated_data.pop("citations", [])]
        related = self._pop_many_to_many(validated_data)
        return self.save_record(
            record=self.Meta.model(**validated_data), related=related, citations=citations
        )

    @transaction.atomic
    def update(self, instance, validated_data):
        # The version in the body and the one in If-Match (the view's), when given.
        expected = {validated_data.pop("version", None), validated_data.pop("if_match", None)}
        expected.discard(None)
        if len(expected) > 1:
            raise services.StaleEdit(instance)  # they cannot both be the current one
        validated_data.pop("citations", None)
        related = self._pop_many_to_many(validated_data)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return self.save_record(
            record=instance,
            related=related,
            citations=[],
            expected_version=expected.pop() if expected else None,
        )

    def save_record(self, *, record, related: dict, citations: list, expected_version=None):
        return services.record_save(
            record=record,
            related=related,
            citations=citations,
            expected_version=expected_version,
        )

    def _pop_many_to_many(self, validated_data) -> dict:
        names = [f.name for f in self.Meta.model._meta.many_to_many]
        return {name: validated_data.pop(name) for name in names if name in validated_data}


class FactSerializer(CuratedSerializer):
    """A fact with its citations; a new fact brings its first citations with it."""

    citations = CitedQuoteSerializer(
        many=True,
        required=False,
        help_text="Quotes from source articles that report this fact. On create, at least one; "
        "afterwards, add citations through /api/v1/citations/.",
    )

    disputed = serializers.BooleanField(
        source="is_disputed",
        read_only=True,
        help_text="Whether a source disputes it, or sources report it differently.",
    )

    def validate_citations(self, value):
        if self.instance is not None and value:
            raise serializers.ValidationError(
                "Add citations to an existing fact through /api/v1/citations/."
            )
        return value


# --------------------------------------------------------------------- the endpoints


class ActorSerializer(CountryFieldMixin, CuratedSerializer):
    url = api_url("actor-detail")
    html_url = page_url("actor-detail")
    aliases = serializers.SlugRelatedField(
        slug_field="name",
        many=True,
        read_only=True,
        help_text="Every other spelling the sources use; searches match them.",
    )

    class Meta:
        model = Actor
        fields = [
            "slug",
            "url",
            "html_url",
            "name",
            "kind",
            "country",
            "description",
            "aliases",
            "created_at",
            "updated_at",
        ]


class ItemSerializer(CuratedSerializer):
    url = api_url("item-detail")
    html_url = page_url("item-detail")
    maker = SummaryField(
        ActorSummarySerializer, required=False, allow_null=True, help_text="Who makes it."
    )
    variant_of = SummaryField(
        ItemSummarySerializer,
        required=False,
        allow_null=True,
        help_text="The family this system belongs to.",
    )
    aliases = serializers.SlugRelatedField(
        slug_field="name",
        many=True,
        read_only=True,
        help_text="Other designations the sources use; searches match them.",
    )

    class Meta:
        model = Item
        fields = [
            "slug",
            "url",
            "html_url",
            "name",
            "category",
            "lethality",
            "lethality_note",
            "description",
            "maker",
            "variant_of",
            "unit_cost",
            "unit_cost_currency",
            "unit_cost_qualifier",
            "aliases",
            "created_at",
            "updated_at",
        ]


class SourceArticleSerializer(CuratedSerializer):
    url = api_url("source-detail", "pk")
    html_url = page_url("source-detail", "pk")
    publisher = SummaryField(
        ActorSummarySerializer,
        required=False,
        allow_null=True,
        help_text="The outlet (actor slug on writes); null when not identified.",
    )
    original_url = serializers.URLField(
        source="url",
        max_length=500,
        required=False,
        allow_blank=True,
        help_text="Where the article was published, if known.",
    )

    class Meta:
        model = SourceArticle
        fields = [
            "id",
            "url",
            "html_url",
            "slug",
            "title",
            "publisher",
            "publisher_evidence",
            "original_url",
            "author",
            "published_on",
            "published_on_precision",
            "date_evidence",
            "language",
            "body",
            "created_at",
            "updated_at",
        ]


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
            "citations",
            "created_at",
            "updated_at",
        ]


class ResponseInRequestSerializer(serializers.ModelSerializer):
    """A response as it appears inside its request."""

    url = api_url("response-detail", "pk")
    responder = ActorSummarySerializer(read_only=True, help_text="Who answered.")
    stance = StanceSummarySerializer(read_only=True, help_text="The stance the answer rests on.")
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
            "citations",
            "created_at",
            "updated_at",
        ]


class CitationSerializer(CuratedSerializer):
    """A quote and the one fact it supports; the quote must occur in the article's text."""

    url = api_url("citation-detail", "pk")
    source = SummaryField(SourceSummarySerializer, lookup="pk", help_text="The article (id).")
    request = SummaryField(
        RequestSummarySerializer,
        lookup="pk",
        required=False,
        allow_null=True,
        help_text="The request it supports (id).",
    )
    response = SummaryField(
        ResponseSummarySerializer,
        lookup="pk",
        required=False,
        allow_null=True,
        help_text="The response it supports (id).",
    )
    stance = SummaryField(
        StanceSummarySerializer,
        required=False,
        allow_null=True,
        help_text="The stance it supports (slug).",
    )
    contribution = SummaryField(
        ContributionSummarySerializer,
        required=False,
        allow_null=True,
        help_text="The contribution it supports (slug).",
    )
    event = SummaryField(
        EventSummarySerializer,
        required=False,
        allow_null=True,
        help_text="The event it supports (slug).",
    )
    role = SummaryField(
        RoleSummarySerializer,
        required=False,
        allow_null=True,
        help_text="The role it supports (slug).",
    )
    action = SummaryField(
        ActionSummarySerializer,
        required=False,
        allow_null=True,
        help_text="The action it supports (slug).",
    )
    relayed_from = SummaryField(
        ActorSummarySerializer,
        required=False,
        allow_null=True,
        help_text="For a relayed report, the outlet that first reported it (actor slug).",
    )

    class Meta:
        model = Citation
        fields = [
            "id",
            "url",
            "source",
            "quote",
            "relation",
            "attribution",
            "relayed_from",
            "note",
            *Citation.TARGET_FIELDS,
            "created_at",
            "updated_at",
        ]
        # DRF would make every field of the per-fact unique constraints required; full_clean()
        # checks them instead, for the one fact a citation supports.
        validators = []


class DeletionSerializer(serializers.Serializer):
    """A tombstone: which record was deleted, and when."""

    type = serializers.CharField(help_text="The list it was in: request, response, actor, …")
    id = serializers.IntegerField(help_text="Its id.")
    slug = serializers.CharField(
        source="record_slug", allow_null=True, help_text="Its slug, if it had one."
    )
    deleted_at = serializers.DateTimeField(source="history_date", help_text="When it was deleted.")
