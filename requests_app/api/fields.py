"""Fields of the API: related records written as a slug or id and read as small objects,
links built once per response, and model errors reported per field."""

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings


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
        return self.url_template(self.context.get("request"))

    def url_template(self, request) -> str:
        """The route's URL with a placeholder for the lookup, absolute if there is a request."""
        url = reverse(self.view_name, kwargs={self.lookup: self.PLACEHOLDER[self.lookup]})
        return request.build_absolute_uri(url) if request else url

    def fill(self, template: str, value) -> str:
        return template.replace(f"/{self.PLACEHOLDER[self.lookup]}/", f"/{value}/", 1)

    def to_representation(self, record) -> str:
        value = record
        for name in self.attribute.split("."):
            value = getattr(value, name)
        return self.fill(self.template, value)


def api_url(view_name: str, lookup: str = "slug") -> LinkField:
    return LinkField(f"api:{view_name}", lookup, help_text="This record in the API.")


def page_url(view_name: str, lookup: str = "slug", attribute: str = "") -> LinkField:
    return LinkField(
        f"tracker:{view_name}", lookup, attribute, help_text="This record's page for readers."
    )
