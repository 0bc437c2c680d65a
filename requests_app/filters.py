"""FilterSets shared by the HTML lists, the CSV export and the API."""

import django_filters
from django import forms
from django.db.models import Q

from .models import Actor, AidRequest, Item, SourceArticle


def requesters(request):
    return Actor.objects.filter(requests_made__isnull=False).distinct()


def addressees(request):
    return Actor.objects.filter(requests_received__isnull=False).distinct()


def requested_items(request):
    return Item.objects.filter(requests__isnull=False).distinct()


class AidRequestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        max_length=200,
        help_text="Words in the request, or in any name or spelling of its actors and item.",
    )
    status = django_filters.ChoiceFilter(choices=AidRequest.Status.choices, empty_label="Any")
    requester = django_filters.ModelChoiceFilter(
        queryset=requesters, to_field_name="slug", empty_label="Anyone"
    )
    addressee = django_filters.ModelChoiceFilter(
        queryset=addressees, to_field_name="slug", empty_label="Anyone"
    )
    voiced_by = django_filters.ModelChoiceFilter(
        queryset=Actor.objects.all(),
        to_field_name="slug",
        widget=forms.HiddenInput,
        label="Voiced by",
        help_text="The person or body that made the request.",
    )
    item = django_filters.ModelChoiceFilter(
        queryset=requested_items, to_field_name="slug", empty_label="Any item"
    )
    category = django_filters.ChoiceFilter(
        field_name="item__category", choices=Item.Category.choices, empty_label="Any"
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
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    made_before = django_filters.DateFilter(
        field_name="made_on",
        lookup_expr="lte",
        label="Made on or before",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    source = django_filters.ModelChoiceFilter(
        queryset=SourceArticle.objects.all(),
        method="filter_source",
        # Articles are too many for a menu: the list links here from each article's page.
        widget=forms.HiddenInput,
        label="Source article",
        help_text="Requests that this article reports, or whose responses it reports.",
    )
    ordering = django_filters.OrderingFilter(
        fields=[("made_on", "date"), ("status", "status")],
        field_labels={
            "made_on": "Date, oldest first",
            "-made_on": "Date, newest first",
            "status": "Status, A–Z",
            "-status": "Status, Z–A",
        },
        label="Sort by",
        empty_label="Newest first",
    )

    class Meta:
        model = AidRequest
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_source(self, queryset, name, value):
        cited = Q(citations__source=value) | Q(responses__citations__source=value)
        return queryset.filter(pk__in=AidRequest.objects.filter(cited).values("pk"))


class NameFilter(django_filters.CharFilter):
    """A name or any alias, through the queryset's `matching()`."""

    def filter(self, qs, value):
        return qs.matching(value) if value else qs


class ActorFilter(django_filters.FilterSet):
    q = NameFilter(label="Name", max_length=200)
    kind = django_filters.ChoiceFilter(choices=Actor.Kind.choices, empty_label="Any kind")

    class Meta:
        model = Actor
        fields = []


class ItemFilter(django_filters.FilterSet):
    q = NameFilter(label="Name", max_length=200)
    category = django_filters.ChoiceFilter(choices=Item.Category.choices, empty_label="Any")
    lethality = django_filters.ChoiceFilter(
        choices=Item.Lethality.choices, empty_label="Any", label="Framed as"
    )

    class Meta:
        model = Item
        fields = []


class SourceArticleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="title", lookup_expr="icontains", label="Headline", max_length=200
    )
    publisher = django_filters.ModelChoiceFilter(
        queryset=Actor.objects.filter(kind=Actor.Kind.MEDIA_OUTLET),
        to_field_name="slug",
        empty_label="Any outlet",
    )

    class Meta:
        model = SourceArticle
        fields = []
