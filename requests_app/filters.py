"""FilterSets shared by the HTML lists, the CSV export and the API."""

import copy
import datetime
import functools

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import IsoDateTimeField
from django_filters.widgets import BaseCSVWidget
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .models import (
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
from .models.base import ReviewState
from .past import requests_as_of

# Dates typed as the help texts, the API and the CSV write them, whatever the browser's locale.
DAY_INPUT = forms.DateInput(
    format="%Y-%m-%d", attrs={"placeholder": "YYYY-MM-DD", "inputmode": "numeric", "size": 10}
)


class RecordChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that refuses NUL bytes before they reach the database."""

    def to_python(self, value):
        if isinstance(value, str) and "\x00" in value:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = RecordChoiceField


class MenuChoiceField(RecordChoiceField):
    """A menu of some records of a model that accepts any of them: an actor whom no row names
    is left out of the menu, but a filter naming them finds no rows rather than being refused
    (a slug that names no record still is). The record chosen joins the menu, so that the
    form shows it chosen."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        model = self.queryset.model
        try:
            record = model._default_manager.get(**{self.to_field_name or "pk": value})
        except (ValueError, TypeError, model.DoesNotExist):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None
        self.queryset = self.queryset | model._default_manager.filter(pk=record.pk)
        return record


class ActorMenuFilter(django_filters.ModelChoiceFilter):
    """A filter by the actor (a slug) that `field` of `model` names. Its menu lists the actors
    that some row names, not every actor (5,000 of them made each menu of the aid list
    290 KB): EXISTS probes an index once per actor, where a join with DISTINCT would read
    every row. Any other actor is still accepted (MenuChoiceField)."""

    field_class = MenuChoiceField

    def __init__(self, model, field: str, **kwargs):
        def named(request):
            return Actor.objects.filter(Exists(model.objects.filter(**{field: OuterRef("pk")})))

        super().__init__(field_name=field, queryset=named, to_field_name="slug", **kwargs)


class IdFilter(django_filters.NumberFilter):
    """A record's id: a whole number in the database's range, or a 400."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(**kwargs)


class RepeatedKeysWidget(BaseCSVWidget, forms.Select):
    """Several keys as a comma list (`ordering=status,-date`) or repeated, as generated clients
    send a list (`ordering=status&ordering=-date`)."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else []
        if len(values) > 1:
            return [key for value in values for key in value.split(",")]
        return super().value_from_datadict(data, files, name)


class OrderingFilter(django_filters.OrderingFilter):
    """Sorts by the fields asked for, then by `then`, so that ties never move between pages."""

    def __init__(self, *args, then: tuple[str, ...] = ("pk",), **kwargs):
        kwargs.setdefault("widget", RepeatedKeysWidget)
        super().__init__(*args, **kwargs)
        self.then = then

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        ordering = [self.get_ordering_value(p) for p in value if p not in EMPTY_VALUES]
        return qs.order_by(*ordering, *self.then)


class MomentField(IsoDateTimeField):
    """An ISO 8601 date and time, in UTC: PostgreSQL refuses offsets beyond ±15:59."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class MomentFilter(django_filters.IsoDateTimeFilter):
    field_class = MomentField


class SyncFilterSet(django_filters.FilterSet):
    """The base of every API list's filters: `changed_since` lets a client fetch only what
    changed since its last sync (deletions are listed at /api/v1/deletions/)."""

    changed_since = MomentFilter(
        field_name="updated_at",
        lookup_expr="gte",
        widget=forms.HiddenInput,
        label="Changed since",
        help_text="An ISO 8601 date and time, e.g. 2024-11-28T09:00:00Z: only records added "
        "or changed since then.",
    )

    @classmethod
    @functools.cache
    def form_class(cls) -> type[forms.Form]:
        """The filters' form, made once per class rather than on every request (each form
        copies its fields when it is made): no field depends on the request."""
        filters = copy.deepcopy(cls.base_filters)  # each filter keeps the field it made
        for filter_ in filters.values():
            filter_.model = cls._meta.model
        fields = {name: filter_.field for name, filter_ in filters.items()}
        return type(f"{cls.__name__}Form", (cls._meta.form,), fields)

    def get_form_class(self) -> type[forms.Form]:
        return self.form_class()


class FactFilterSet(SyncFilterSet):
    """The base of every list of facts: whether a second curator has read them."""

    reviewed = django_filters.ChoiceFilter(
        choices=[("true", "Yes"), ("false", "No")],
        method="filter_reviewed",
        empty_label="Either",
        label="Checked by a second reader",
        help_text="Yes (true): only facts a second curator has read against their sources "
        "and found sound; no (false): the others.",
    )
    review_state = django_filters.ChoiceFilter(
        choices=ReviewState.choices,
        widget=forms.HiddenInput,
        label="Review state",
        help_text="draft (awaits a second reader), reviewed, or questioned.",
    )

    def filter_reviewed(self, queryset, name, value):
        if value == "true":
            return queryset.filter(review_state=ReviewState.REVIEWED)
        return queryset.exclude(review_state=ReviewState.REVIEWED)


@extend_schema_field(OpenApiTypes.INT)
class ArticleFilter(ModelChoiceFilter):
    """An article, by id: articles are too many for a menu, so the form carries it hidden."""


class AidRequestFilter(FactFilterSet):
    # Shown beside the search box; the others are one tap away.
    primary = ("q", "status", "addressee", "category")

    q = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        max_length=200,
        help_text="Words, in any script, in the request, in the quotes that report it or its "
        "answers and their translations, or in any name or spelling of its actors and item.",
    )
    status = django_filters.ChoiceFilter(
        method="filter_status",
        choices=AidRequest.Status.choices,
        empty_label="Any",
        label="Status",
    )
    requester = ActorMenuFilter(AidRequest, "requester", empty_label="Anyone")
    addressee = ActorMenuFilter(AidRequest, "addressee", empty_label="Anyone")
    voiced_by = ModelChoiceFilter(
        queryset=Actor.objects.all(),
        to_field_name="slug",
        widget=forms.HiddenInput,
        label="Voiced by",
        help_text="The person or body that made the request.",
    )
    item = ModelChoiceFilter(
        queryset=Item.objects.all(),
        to_field_name="slug",
        # A catalogue of a thousand items is no menu: item pages link here, and q finds items.
        widget=forms.HiddenInput,
        help_text="An item's slug, e.g. cheongung.",
    )
    category = django_filters.ChoiceFilter(
        field_name="item__category",
        choices=Item.Category.choices,
        empty_label="Any",
        label="Category",
    )
    lethality = django_filters.ChoiceFilter(
        field_name="item__lethality",
        choices=Item.Lethality.choices,
        empty_label="Any",
        label="Framed as",
    )
    mode = django_filters.ChoiceFilter(
        choices=AidRequest.Mode.choices, empty_label="Any", label="Aid or purchase"
    )
    made_after = django_filters.DateFilter(
        field_name="made_on",
        lookup_expr="gte",
        label="Made on or after",
        widget=DAY_INPUT,
    )
    made_before = django_filters.DateFilter(
        field_name="made_on",
        lookup_expr="lte",
        label="Made on or before",
        widget=DAY_INPUT,
    )
    has_conflict = django_filters.ChoiceFilter(
        choices=[("true", "Yes"), ("false", "No")],
        method="filter_has_conflict",
        empty_label="Either",
        label="Sources disagree",
        help_text="Yes (true): requests that sources report differently, or whose answers they do.",
    )
    source = ArticleFilter(
        queryset=SourceArticle.objects.all(),
        method="filter_source",
        widget=forms.HiddenInput,
        label="Source article",
        help_text="Requests that this article reports, or whose responses it reports.",
    )
    # Applied before the other filters, whatever the order: see filter_queryset.
    as_of = django_filters.DateFilter(
        method="filter_applied_first",
        label="As reported on",
        widget=DAY_INPUT,
        help_text="A date (YYYY-MM-DD): only what articles published by then reported, "
        "with the statuses they reported.",
    )
    ordering = OrderingFilter(
        fields=[("made_on", "date"), ("status_then", "status")],
        then=("-made_on", "title", "pk"),
        field_labels={
            "made_on": "Date, oldest first",
            "-made_on": "Date, newest first",
            "status_then": "Status, A–Z",
            "-status_then": "Status, Z–A",
        },
        label="Sort by",
        empty_label="Newest first",
    )

    class Meta:
        model = AidRequest
        fields = []

    def filter_queryset(self, queryset):
        # The status filter and the ordering read `status_then`: the status reported by the
        # as_of day when one is given, today's otherwise.
        day = self.form.cleaned_data.get("as_of")
        if day is None:
            queryset = queryset.alias(status_then=F("status"))
        else:
            queryset = requests_as_of(queryset, day, self.form.cleaned_data.get("status"))
        return super().filter_queryset(queryset)

    def filter_applied_first(self, queryset, name, value):
        return queryset

    def filter_status(self, queryset, name, value):
        if self.form.cleaned_data.get("as_of") is None:
            return queryset.filter(status=value)
        # requests_as_of has kept the requests with that status on the day.
        return queryset

    def filter_has_conflict(self, queryset, name, value):
        if value == "true":
            return queryset.contested(self.form.cleaned_data.get("as_of"))
        contested = AidRequest.objects.contested(self.form.cleaned_data.get("as_of"))
        return queryset.exclude(pk__in=contested.values("pk"))

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_source(self, queryset, name, value):
        cited = Q(citations__source=value) | Q(responses__citations__source=value)
        return queryset.filter(pk__in=AidRequest.objects.filter(cited).values("pk"))


class AsOfForm(forms.Form):
    """The day of a view of the past, on the pages and API endpoints of one request."""

    as_of = AidRequestFilter.base_filters["as_of"].field


class ConflictsForm(forms.Form):
    """The kind of disputed fact /conflicts/ lists, page by page; without it, the first page
    of every kind."""

    kind = forms.ChoiceField(
        required=False,
        choices=[
            ("", "All kinds"),
            ("request", "Requests"),
            ("response", "Responses"),
            ("stance", "Stances"),
            ("contribution", "Contributions"),
            ("event", "Events"),
            ("action", "Actions"),
            ("role", "Roles"),
        ],
    )


class NameFilter(django_filters.CharFilter):
    """A name or any alias, through the queryset's `matching()`."""

    def filter(self, qs, value):
        return qs.matching(value) if value else qs


class ActorFilter(SyncFilterSet):
    q = NameFilter(label="Name", max_length=200)
    kind = django_filters.ChoiceFilter(choices=Actor.Kind.choices, empty_label="Any kind")

    class Meta:
        model = Actor
        fields = []


class ItemFilter(SyncFilterSet):
    q = NameFilter(label="Name", max_length=200)
    category = django_filters.ChoiceFilter(choices=Item.Category.choices, empty_label="Any")
    lethality = django_filters.ChoiceFilter(
        choices=Item.Lethality.choices, empty_label="Any", label="Framed as"
    )

    class Meta:
        model = Item
        fields = []


class SourceArticleFilter(SyncFilterSet):
    q = django_filters.CharFilter(
        method="filter_headline",
        label="Headline",
        max_length=200,
        help_text="Words in the headline, as published or in its English translation.",
    )
    publisher = ModelChoiceFilter(
        queryset=Actor.objects.filter(kind=Actor.Kind.MEDIA_OUTLET),
        to_field_name="slug",
        empty_label="Any outlet",
    )

    class Meta:
        model = SourceArticle
        fields = []

    def filter_headline(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(title_translation__icontains=value))


class AidResponseFilter(FactFilterSet):
    request = IdFilter(field_name="request_id", label="Request id")
    responder = ModelChoiceFilter(
        queryset=Actor.objects.all(), to_field_name="slug", label="Responder (actor slug)"
    )
    decision = django_filters.ChoiceFilter(choices=AidResponse.Decision.choices)
    stance = ModelChoiceFilter(
        queryset=PolicyStance.objects.all(), to_field_name="slug", label="Stance (slug)"
    )
    responded_after = django_filters.DateFilter(
        field_name="responded_on", lookup_expr="gte", label="Answered on or after (YYYY-MM-DD)"
    )
    responded_before = django_filters.DateFilter(
        field_name="responded_on", lookup_expr="lte", label="Answered on or before (YYYY-MM-DD)"
    )
    ordering = OrderingFilter(fields=[("responded_on", "date")])

    class Meta:
        model = AidResponse
        fields = []


class PolicyStanceFilter(FactFilterSet):
    holder = ModelChoiceFilter(
        queryset=Actor.objects.all(), to_field_name="slug", label="Holder (actor slug)"
    )
    position = django_filters.ChoiceFilter(choices=PolicyStance.Position.choices)
    in_force_on = django_filters.DateFilter(
        method="filter_in_force_on", label="In force on (YYYY-MM-DD)"
    )

    class Meta:
        model = PolicyStance
        fields = []

    def filter_in_force_on(self, queryset, name, value):
        return queryset.in_force_on(value)


class ContributionFilter(FactFilterSet):
    donor = ActorMenuFilter(Contribution, "donor", label="Donor (actor slug)")
    recipient = ActorMenuFilter(Contribution, "recipient", label="Recipient (actor slug)")
    status = django_filters.ChoiceFilter(choices=Contribution.Status.choices)

    class Meta:
        model = Contribution
        fields = []


class EventFilter(FactFilterSet):
    kind = django_filters.ChoiceFilter(choices=Event.Kind.choices)
    actor = ActorMenuFilter(Event, "actors", label="Actor (slug)")

    class Meta:
        model = Event
        fields = []


class ActionFilter(FactFilterSet):
    actor = ActorMenuFilter(Action, "actor", label="Who acted (actor slug)")
    counterpart = ActorMenuFilter(Action, "counterpart", label="Toward whom (actor slug)")
    kind = django_filters.ChoiceFilter(choices=Action.Kind.choices)

    class Meta:
        model = Action
        fields = []


class RoleFilter(FactFilterSet):
    person = ModelChoiceFilter(
        queryset=Actor.objects.all(), to_field_name="slug", label="Who (actor slug)"
    )
    organisation = ModelChoiceFilter(
        queryset=Actor.objects.all(), to_field_name="slug", label="Whose office (actor slug)"
    )
    is_current = django_filters.BooleanFilter(
        method="filter_is_current", label="Current terms only (true) or past ones (false)"
    )

    class Meta:
        model = Role
        fields = []

    def filter_is_current(self, queryset, name, value):
        current = queryset.current()
        return current if value else queryset.exclude(pk__in=current.values("pk"))


class CitationFilter(SyncFilterSet):
    source = IdFilter(field_name="source_id", label="Source article id")
    request = IdFilter(field_name="request_id", label="Request id")
    response = IdFilter(field_name="response_id", label="Response id")
    relation = django_filters.ChoiceFilter(choices=Citation.Relation.choices)

    class Meta:
        model = Citation
        fields = []
