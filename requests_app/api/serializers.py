"""API representations: the base of every curated record's (its save goes through the
services), and those of actors, items, articles and citations; facts are in api/facts.py."""

from django.db import transaction
from django_countries.serializers import CountryFieldMixin
from rest_framework import serializers

from .. import services
from ..models import (
    Actor,
    Citation,
    Item,
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
        fields = [
            "id",
            "source",
            "quote",
            "quote_translation",
            "translation_source",
            "translation_source_name",
            "relation",
            "attribution",
            "relayed_from",
            "note",
        ]


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
            "title_translation",
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
        # A cited quote's fields (after its id), with its address, the fact and the dates.
        fields = [
            "id",
            "url",
            *CitedQuoteSerializer.Meta.fields[1:],
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
