"""Small nested objects: how the API shows a related record inside another."""

from django_countries.serializers import CountryFieldMixin
from rest_framework import serializers

from ..models import (
    Action,
    Actor,
    AidRequest,
    AidResponse,
    Contribution,
    Event,
    Item,
    PolicyStance,
    Role,
    SourceArticle,
)
from .fields import api_url, page_url


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
        fields = [
            "id",
            "title",
            "title_translation",
            "language",
            "publisher",
            "published_on",
            "published_on_precision",
            "url",
        ]


class RequestSummarySerializer(serializers.ModelSerializer):
    url = api_url("request-detail", "pk")

    class Meta:
        model = AidRequest
        fields = ["id", "title", "status", "url"]


class RoleSummarySerializer(serializers.ModelSerializer):
    url = api_url("role-detail")
    html_url = page_url("actor-detail", attribute="person.slug")
    person = serializers.CharField(source="person.name", read_only=True, help_text="Who.")

    class Meta:
        model = Role
        fields = ["slug", "person", "title", "url", "html_url"]


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


class ActionSummarySerializer(serializers.ModelSerializer):
    url = api_url("action-detail")

    class Meta:
        model = Action
        fields = ["slug", "kind", "occurred_on", "url"]
