"""API representations: related records are written as a slug or id, read as small objects."""

import copy

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.functional import cached_property
from django_countries.serializers import CountryFieldMixin
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from .. import services
from ..models import (
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


def api_error(error: DjangoValidationError) -> serializers.ValidationError:
    """A model's validation error as the API reports it, per field."""
    detail = serializers.as_serializer_error(error)
    if NON_FIELD_ERRORS in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
    return serializers.ValidationError(detail)


class SummaryField(serializers.RelatedField):
    """A related record: written as its slug (or id), read as a small object with its url."""

    default_error_messages = {
        "does_not_exist": "No {model} has {lookup} “{value}”.",
        "incorrect_type": "Expected a {lookup}, got {data_type}.",
    }

    def __init__(self, summary, lookup: str = "slug", **kwargs):
        self.summary = summary
        self.lookup = lookup
        kwargs.setdefault("queryset", summary.Meta.model.objects.all())
        super().__init__(**kwargs)

    def use_pk_only_optimization(self) -> bool:
        return False

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("incorrect_type", lookup=self.lookup, data_type=type(data).__name__)
        if isinstance(data, str) and "\x00" in data:
            self.fail("incorrect_type", lookup=self.lookup, data_type="text with a NUL byte")
        try:
            return self.get_queryset().get(**{self.lookup: data})
        except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
            model = self.get_queryset().model._meta.verbose_name
            self.fail("does_not_exist", model=model, lookup=self.lookup, value=data)

    @cached_property
    def summary_serializer(self):
        """One serializer for every row of the response: its fields are built once."""
        return self.summary(context=self.context)

    def to_representation(self, value):
        return self.summary_serializer.to_representation(value)

    def get_choices(self, cutoff=None) -> dict:
        """For the browsable API's forms: keyed by what a client writes."""
        queryset = self.get_queryset()[:cutoff] if cutoff else self.get_queryset()
        return {getattr(item, self.lookup): self.display_value(item) for item in queryset}


@extend_schema_field(OpenApiTypes.URI)
class LinkField(serializers.Field):
    """An absolute URL of a record, from a route reversed once per response, not per row."""

    PLACEHOLDER = {"pk": "0", "slug": "placeholder"}

    def __init__(self, view_name: str, lookup: str, attribute: str = "", **kwargs):
        self.view_name, self.lookup = view_name, lookup
        self.attribute = attribute or lookup
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    @cached_property
    def template(self) -> str:
        url = reverse(self.view_name, kwargs={self.lookup: self.PLACEHOLDER[self.lookup]})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def to_representation(self, record) -> str:
        value = record
        for name in self.attribute.split("."):
            value = getattr(value, name)
        return self.template.replace(f"/{self.PLACEHOLDER[self.lookup]}/", f"/{value}/", 1)


def api_url(view_name: str, lookup: str = "slug") -> LinkField:
    return LinkField(f"api:{view_name}", lookup, help_text="This record in the API.")


def page_url(view_name: str, lookup: str = "slug", attribute: str = "") -> LinkField:
    return LinkField(
        f"tracker:{view_name}", lookup, attribute, help_text="This record's page for readers."
    )


# --------------------------------------------------------------------- small nested objects


class ActorSummarySerializer(CountryFieldMixin, serializers.ModelSerializer):
    url = api_url("actor-detail")

    class Meta:
        model = Actor
        fields = ["slug", "name", "kind", "country", "url"]


class ItemSummarySerializer(serializers.ModelSerializer):
    url = api_url("item-detail")

    class Meta:
        model = Item
        fields = ["slug", "name", "category", "lethality", "url"]


class StanceSummarySerializer(serializers.ModelSerializer):
    url = api_url("stance-detail")

    class Meta:
        model = PolicyStance
        fields = ["slug", "title", "position", "in_force_from", "in_force_from_precision", "url"]


class EventSummarySerializer(serializers.ModelSerializer):
    url = api_url("event-detail")

    class Meta:
        model = Event
        fields = ["slug", "title", "occurred_on", "occurred_on_precision", "url"]


class SourceSummarySerializer(serializers.ModelSerializer):
    url = api_url("source-detail", "pk")
    publisher = serializers.CharField(
        source="publisher_name", read_only=True, help_text="The outlet, if identified."
    )

    class Meta:
        model = SourceArticle
        fields = ["id", "title", "publisher", "published_on", "published_on_precision", "url"]


class RequestSummarySerializer(serializers.ModelSerializer):
    url = api_url("request-detail", "pk")

    class Meta:
        model = AidRequest
        fields = ["id", "title", "status", "url"]


class RoleSummarySerializer(serializers.ModelSerializer):
    html_url = page_url("actor-detail", attribute="person.slug")
    person = serializers.CharField(source="person.name", read_only=True, help_text="Who.")

    class Meta:
        model = Role
        fields = ["slug", "person", "title", "html_url"]


class ContributionSummarySerializer(serializers.ModelSerializer):
    url = api_url("contribution-detail")

    class Meta:
        model = Contribution
        fields = ["slug", "description", "status", "url"]


class ResponseSummarySerializer(serializers.ModelSerializer):
    url = api_url("response-detail", "pk")

    class Meta:
        model = AidResponse
        fields = ["id", "decision", "responded_on", "url"]


# --------------------------------------------------------------------- citations


class CitedQuoteSerializer(serializers.ModelSerializer):
    """A citation inside the fact it supports; on creating a fact, its first citations."""

    source = SummaryField(
        SourceSummarySerializer, lookup="pk", help_text="The source article (id on writes)."
    )

    class Meta:
        model = Citation
        fields = ["id", "source", "quote", "note"]

    def validate(self, attrs):
        citation = Citation(**attrs)
        try:
            citation.clean()
        except DjangoValidationError as error:
            raise api_error(error) from error
        return attrs


class ModelCleanSerializer(serializers.ModelSerializer):
    """Validates writes as the admin does: the model's full_clean, so nothing reaches the
    database that its constraints would refuse with an error instead of a 400."""

    def validate(self, attrs):
        model = self.Meta.model
        m2m = {f.name for f in model._meta.many_to_many}
        candidate = copy.copy(self.instance) if self.instance else model()
        for name, value in attrs.items():
            if name not in m2m and name != "citations":
                setattr(candidate, name, value)
        try:
            candidate.full_clean()
        except DjangoValidationError as error:
            raise api_error(error) from error
        return attrs


class FactSerializer(ModelCleanSerializer):
    """A fact with its citations; new facts may bring their first citations with them."""

    citations = CitedQuoteSerializer(
        many=True,
        required=False,
        help_text="Quotes from source articles that report this fact. On create, citations to "
        "add with it; afterwards, add citations through /api/v1/citations/.",
    )

    def validate_citations(self, value):
        if self.instance is not None and value:
            raise serializers.ValidationError(
                "Add citations to an existing fact through /api/v1/citations/."
            )
        return value

    @transaction.atomic
    def create(self, validated_data):
        citations = [Citation(**c) for c in validated_data.pop("citations", [])]
        m2m = self._pop_many_to_many(validated_data)
        fact = services.record_save(record=self.Meta.model(**validated_data), citations=citations)
        self._set_many_to_many(fact, m2m)
        return fact

    @transaction.atomic
    def update(self, instance, validated_data):
        validated_data.pop("citations", None)
        m2m = self._pop_many_to_many(validated_data)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        fact = services.record_save(record=instance)
        self._set_many_to_many(fact, m2m)
        return fact

    def _pop_many_to_many(self, validated_data) -> dict:
        names = [f.name for f in self.Meta.model._meta.many_to_many]
        return {name: validated_data.pop(name) for name in names if name in validated_data}

    @staticmethod
    def _set_many_to_many(fact, m2m: dict) -> None:
        for name, values in m2m.items():
            getattr(fact, name).set(values)


# --------------------------------------------------------------------- the endpoints


class ActorSerializer(CountryFieldMixin, ModelCleanSerializer):
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


class ItemSerializer(ModelCleanSerializer):
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


class SourceArticleSerializer(ModelCleanSerializer):
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
            "in_force_from",
            "in_force_from_precision",
            "in_force_until",
            "in_force_until_precision",
            "supersedes",
            "trigger",
            "conflict_note",
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

    class Meta:
        model = AidResponse
        fields = [
            "id",
            "url",
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
            "made_on",
            "made_on_precision",
            "channel",
            "mode",
            "current_stance",
            "conflict_note",
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
            "amount",
            "currency",
            "amount_qualifier",
            "amount_usd",
            "amount_usd_qualifier",
            "status",
            "given_on",
            "given_on_precision",
            "conflict_note",
            "citations",
            "created_at",
            "updated_at",
        ]


class CitationSerializer(ModelCleanSerializer):
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

    class Meta:
        model = Citation
        fields = [
            "id",
            "url",
            "source",
            "quote",
            "note",
            *Citation.TARGET_FIELDS,
            "created_at",
            "updated_at",
        ]
        # DRF would make every field of the per-fact unique constraints required; full_clean()
        # checks them instead, for the one fact a citation supports.
        validators = []

    def create(self, validated_data):
        return services.record_save(record=Citation(**validated_data))

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.record_save(record=instance)


class DeletionSerializer(serializers.Serializer):
    """A tombstone: which record was deleted, and when."""

    type = serializers.CharField(help_text="The list it was in: request, response, actor, …")
    id = serializers.IntegerField(help_text="Its id.")
    slug = serializers.CharField(
        source="record_slug", allow_null=True, help_text="Its slug, if it had one."
    )
    deleted_at = serializers.DateTimeField(source="history_date", help_text="When it was deleted.")
