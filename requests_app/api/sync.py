"""Incremental sync: what a client that mirrors the API fetches again, and what it drops.

Every list takes `changed_since` (filters.SyncFilterSet); saving a record marks the records
that show it as changed too (services.records.showing_touch); deletions are listed here, from
the history tables.
"""

from django import forms
from django.db.models import CharField, F, Value
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, permissions, viewsets

from .. import filters
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
from . import serializers
from .pagination import PlainPagination
from .views import ERRORS

# What a syncing client may hold, by the name of its list: requests, responses, …
SYNCED = {
    "request": AidRequest,
    "response": AidResponse,
    "actor": Actor,
    "item": Item,
    "stance": PolicyStance,
    "contribution": Contribution,
    "event": Event,
    "action": Action,
    "role": Role,
    "source": SourceArticle,
    "citation": Citation,
}


class DeletionForm(forms.Form):
    changed_since = filters.MomentField(required=False)
    type = forms.ChoiceField(choices=[(name, name) for name in SYNCED], required=False)


def deletions(changed_since=None, kind: str = ""):
    """Every deleted record (of one `kind`, if given), newest first, from the history tables,
    in one UNION query."""
    parts = []
    for name, model in SYNCED.items():
        if kind and kind != name:
            continue
        rows = model.history.filter(history_type="-").order_by()
        if changed_since:
            rows = rows.filter(history_date__gte=changed_since)
        slug = F("slug") if hasattr(model, "slug") else Value(None, output_field=CharField())
        parts.append(
            rows.annotate(type=Value(name), record_slug=slug).values(
                "type", "id", "record_slug", "history_date"
            )
        )
    return parts[0].union(*parts[1:], all=True).order_by("-history_date", "type", "id")


@extend_schema_view(
    list=extend_schema(
        summary="Deleted records",
        description="Tombstones of deleted records, newest first, so that a client syncing "
        "with `changed_since` can drop them too.",
        parameters=[
            OpenApiParameter(
                "changed_since",
                OpenApiTypes.DATETIME,
                description="Only records deleted since then (ISO 8601).",
            ),
            OpenApiParameter("type", str, enum=list(SYNCED), description="Only of this list."),
        ],
        responses={200: serializers.DeletionSerializer, **ERRORS},
    )
)
class DeletionViewSet(viewsets.GenericViewSet):
    serializer_class = serializers.DeletionSerializer
    permission_classes = [permissions.AllowAny]  # listing is its only action
    # The list is a UNION of history tables: plain page numbers, no filter backends.
    pagination_class = PlainPagination
    filter_backends = []

    def list(self, request):
        form = DeletionForm(request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(form.errors)
        since, kind = form.cleaned_data["changed_since"], form.cleaned_data["type"]
        page = self.paginate_queryset(deletions(since, kind))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
