"""API v1: reads are public; writes need a user with the model's permission."""

import csv
import io
from functools import cached_property

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, permissions, renderers, routers, viewsets
from rest_framework import views as drf_views
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import filters, services
from ..exports import requests_csv, spreadsheet_safe
from ..linked_data import request_claims
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
from ..past import restate
from . import facts, reads, serializers
from .fields import api_error


class APIRoot(routers.APIRootView):
    """Aid requests between governments as the news reports them: each list below, with its
    filters and pages. Reads are public; writes need a curator's token. The interactive
    documentation is at /api/v1/docs/, the OpenAPI schema at /api/v1/schema/."""

    name = "aidtracker API, version 1"


def exception_handler(error, context):
    """DRF's handler, with the services' validation errors answered 400 per field."""
    if isinstance(error, DjangoValidationError):
        error = api_error(error)
    elif isinstance(error, services.StaleEdit):
        error = PreconditionFailed(str(error))
    return drf_views.exception_handler(error, context)


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "Other records depend on this one."
    default_code = "protected"


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = "The record changed since you read it: read it again, then make your change."
    default_code = "stale"


def etag(version: int) -> str:
    return f'"{version}"'


def if_match_version(request) -> int | None:
    """The version an If-Match header names; None without one (or with `*`). A tag that is
    not one of ours matches no version: 412."""
    tag = request.headers.get("If-Match", "").strip()
    if tag in ("", "*"):
        return None
    # A detail's ETag is `"<version>.<read tag>"` (aidtracker/cache.py): the version decides.
    tag = tag.removeprefix("W/").strip('"').partition(".")[0]
    if not tag.isdigit():
        raise PreconditionFailed()
    return int(tag)


class CSVRenderer(renderers.BaseRenderer):
    """CSV for the request list; anything else (an error) becomes `field,message` rows."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["field", "message"])
        for field, messages in (data or {}).items():
            for message in messages if isinstance(messages, list) else [messages]:
                writer.writerow([spreadsheet_safe(field), spreadsheet_safe(str(message))])
        return out.getvalue()


ERRORS = {
    400: OpenApiResponse(description="A parameter or field is invalid; the body names it."),
    404: OpenApiResponse(description="No such record, or no such page."),
    429: OpenApiResponse(description="Too many requests from this client: see Retry-After."),
}
WRITE_ERRORS = {
    **ERRORS,
    401: OpenApiResponse(description="Not authenticated: send `Authorization: Token <key>`."),
    403: OpenApiResponse(description="Authenticated, but without the model permission."),
    412: OpenApiResponse(
        description="The record changed since you read it (the `version` or `If-Match` sent)."
    ),
}


def curated_schema(noun: str, serializer, **extra):
    """The documented answers of a viewset's actions, errors included."""
    actions = dict(
        list=extend_schema(summary=f"List {noun}", responses={200: serializer, **ERRORS}),
        retrieve=extend_schema(summary=f"One of the {noun}", responses={200: serializer, **ERRORS}),
        create=extend_schema(
            summary=f"Add to the {noun}", responses={201: serializer, **WRITE_ERRORS}
        ),
        update=extend_schema(summary="Replace", responses={200: serializer, **WRITE_ERRORS}),
        partial_update=extend_schema(summary="Change", responses={200: serializer, **WRITE_ERRORS}),
        destroy=extend_schema(
            summary="Delete",
            responses={
                204: None,
                **WRITE_ERRORS,
                409: OpenApiResponse(description="Refused: other records depend on it."),
            },
        ),
    )
    return extend_schema_view(**{**actions, **extra})


class CuratedViewSet(viewsets.ModelViewSet):
    """Filters narrow lists only: a record's own URL finds it whatever the query string
    carries. Deleting a record that facts depend on is refused with the list of what depends
    on it. JSON lists and details are read by the fast path (api/reads.py), from the
    serializer's fields without calling it; the browsable API and writes go through DRF."""

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def reads_fast(self) -> bool:
        """Whether this read is answered by the fast path: JSON, not the browsable API."""
        return self.request.accepted_renderer.format == "json"

    def restate_rows(self, rows: list[dict]) -> None:
        """Change the fast path's rows before they are written (a view of the past)."""

    def list(self, request, *args, **kwargs):
        if not self.reads_fast():
            return super().list(request, *args, **kwargs)
        queryset = self.get_queryset()
        pagination = reads.IdPagination()
        ids = pagination.paginate_queryset(self.filter_queryset(queryset), request)
        rows = reads.read(self.get_serializer_class(), queryset, ids, request, self.restate_rows)
        self.request.accepted_renderer = reads.JSONRenderer()
        return pagination.get_paginated_response(rows)

    def retrieve(self, request, *args, **kwargs):
        if not self.reads_fast():
            return super().retrieve(request, *args, **kwargs)
        # Reads need no object permission (DjangoModelPermissionsOrAnonReadOnly): no object.
        lookup = {self.lookup_field: kwargs[self.lookup_url_kwarg or self.lookup_field]}
        row = reads.read_one(
            self.get_serializer_class(), self.get_queryset(), request, self.restate_rows, **lookup
        )
        self.request.accepted_renderer = reads.JSONRenderer()
        return Response(row)

    def perform_update(self, serializer) -> None:
        serializer.save(if_match=if_match_version(self.request))

    def finalize_response(self, request, response, *args, **kwargs):
        # A record's ETag is its version: send it back as If-Match to change it safely.
        data = getattr(response, "data", None)
        version = data.get("version") if isinstance(data, dict) else None
        if self.detail and response.status_code == 200 and isinstance(version, int):
            response["ETag"] = etag(version)
        return super().finalize_response(request, response, *args, **kwargs)

    def delete_record(self, record) -> None:
        services.record_delete(record=record)

    def perform_destroy(self, instance) -> None:
        try:
            self.delete_record(instance)
        except ProtectedError as error:
            dependents = sorted({str(obj) for obj in error.protected_objects})
            raise Conflict(
                {
                    "detail": f"“{instance}” cannot be deleted: other records depend on it.",
                    "protected": dependents[:50],
                }
            ) from error


class MayChange(permissions.DjangoModelPermissions):
    """A second reading changes its fact: it needs the model's change permission."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "POST": ["%(app_label)s.change_%(model_name)s"],
    }


class FactViewSet(CuratedViewSet):
    """A kind of fact, and the second reading of one: POST <fact>/review/."""

    @extend_schema(
        summary="Review: record a second reading",
        request=facts.FactReviewSerializer,
        responses={
            200: OpenApiResponse(description="The fact, as read."),
            **WRITE_ERRORS,
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[MayChange])
    def review(self, request, *args, **kwargs) -> Response:
        fact = self.get_object()
        reading = facts.FactReviewSerializer(data=request.data)
        reading.is_valid(raise_exception=True)
        data = reading.validated_data
        services.fact_review(
            fact=fact,
            reviewer=request.user,
            state=data["state"],
            note=data.get("note", ""),
            expected_version=data.get("version") or if_match_version(request),
        )
        return Response(self.get_serializer(self.get_object()).data)


@curated_schema("actors", serializers.ActorSerializer)
class ActorViewSet(CuratedViewSet):
    queryset = Actor.objects.prefetch_related("aliases")
    serializer_class = serializers.ActorSerializer
    filterset_class = filters.ActorFilter
    lookup_field = "slug"


@curated_schema("items", serializers.ItemSerializer)
class ItemViewSet(CuratedViewSet):
    queryset = Item.objects.select_related("maker", "variant_of").prefetch_related("aliases")
    serializer_class = serializers.ItemSerializer
    filterset_class = filters.ItemFilter
    lookup_field = "slug"


@curated_schema("source articles", serializers.SourceArticleSerializer)
class SourceArticleViewSet(CuratedViewSet):
    queryset = SourceArticle.objects.select_related("publisher")
    serializer_class = serializers.SourceArticleSerializer
    filterset_class = filters.SourceArticleFilter


@curated_schema("policy stances", facts.StanceSerializer)
class StanceViewSet(FactViewSet):
    queryset = PolicyStance.objects.select_related(
        "holder", "supersedes", "trigger", "voiced_by"
    ).with_citations()
    serializer_class = facts.StanceSerializer
    filterset_class = filters.PolicyStanceFilter
    lookup_field = "slug"


@curated_schema("events", facts.EventSerializer)
class EventViewSet(FactViewSet):
    queryset = Event.objects.prefetch_related("actors").with_citations()
    serializer_class = facts.EventSerializer
    filterset_class = filters.EventFilter
    lookup_field = "slug"


@curated_schema("roles", facts.RoleSerializer)
class RoleViewSet(FactViewSet):
    queryset = Role.objects.select_related("person", "organisation").with_citations()
    serializer_class = facts.RoleSerializer
    filterset_class = filters.RoleFilter
    lookup_field = "slug"


@curated_schema("actions", facts.ActionSerializer)
class ActionViewSet(FactViewSet):
    queryset = Action.objects.select_related("actor", "counterpart", "request").with_citations()
    serializer_class = facts.ActionSerializer
    filterset_class = filters.ActionFilter
    lookup_field = "slug"


AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="A date (YYYY-MM-DD): the request as the articles published by then reported "
    "it, with its status, responses and citations of that day; 404 if none had reported it yet.",
)


class JSONLDRenderer(renderers.JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


# A real answer (the seed's Cheongung request, one answer and one citation kept), so that it
# passes its own schema (tests/test_standards.py).
REQUEST_EXAMPLE = OpenApiExample(
    "Declined: Cheongung",
    response_only=True,
    value={
        "id": 9,
        "url": "http://127.0.0.1:8000/api/v1/requests/9/",
        "html_url": "http://127.0.0.1:8000/requests/9/",
        "slug": "ua-kr-2024-11-cheongung",
        "title": "Cheongung air defence missile systems",
        "summary": (
            "Before the visit, an anonymous source says the delegation of Defence Minister Umerov"
            " plans to ask for air defence missiles; after it, SBS News, citing government "
            "sources, reports that Ukraine sought to buy the Cheongung medium-range system."
        ),
        "status": "declined",
        "requester": {
            "slug": "ukraine",
            "name": "Ukraine",
            "kind": "country",
            "country": "UA",
            "url": "http://127.0.0.1:8000/api/v1/actors/ukraine/",
        },
        "addressee": {
            "slug": "south-korea",
            "name": "South Korea",
            "kind": "country",
            "country": "KR",
            "url": "http://127.0.0.1:8000/api/v1/actors/south-korea/",
        },
        "voiced_by": {
            "slug": "rustem-umerov",
            "name": "Rustem Umerov",
            "kind": "person",
            "country": "UA",
            "url": "http://127.0.0.1:8000/api/v1/actors/rustem-umerov/",
        },
        "item": {
            "slug": "cheongung",
            "name": "Cheongung (KM-SAM)",
            "category": "air_defence",
            "lethality": "disputed",
            "url": "http://127.0.0.1:8000/api/v1/items/cheongung/",
        },
        "quantity": None,
        "quantity_text": "",
        "quantity_min": None,
        "quantity_max": None,
        "made_on": "2024-11-27",
        "made_on_precision": "day",
        "channel": "official_visit",
        "mode": "purchase",
        "current_stance": {
            "slug": "kr-no-weapons-to-conflict-zones",
            "title": "Long-standing ban on weapons to conflict zones",
            "position": "prohibits",
            "in_force_from": None,
            "in_force_from_precision": "day",
            "url": "http://127.0.0.1:8000/api/v1/stances/kr-no-weapons-to-conflict-zones/",
        },
        "conflict_note": (
            "Ukraine Seeks Weapons Aid in South Korea Visit and the Kyiv Post describe a request "
            "for military aid or 'arms assistance'; Euromaidan Press, after the visit, reports "
            "that Ukraine sought to purchase."
        ),
        "disputed": True,
        "review_state": "reviewed",
        "responses": [
            {
                "id": 6,
                "url": "http://127.0.0.1:8000/api/v1/responses/6/",
                "disputed": False,
                "review_state": "reviewed",
                "decision": "declined",
                "responded_on": "2024-11-28",
                "responded_on_precision": "day",
                "responder": {
                    "slug": "south-korea",
                    "name": "South Korea",
                    "kind": "country",
                    "country": "KR",
                    "url": "http://127.0.0.1:8000/api/v1/actors/south-korea/",
                },
                "summary": (
                    "The South Korean government declines the weapon sales, SBS News reports on "
                    "28 November, citing potential violations of trade laws restricting exports "
                    "to war zones; the article gives no earlier date for the decision. The outlet"
                    " adds that the defence industry lacks inventory for export, Cheongung not "
                    "being available for new sales until 2030."
                ),
                "reason": (
                    "Potential violations of external trade laws restricting exports to war zones."
                ),
                "stance": {
                    "slug": "kr-no-weapons-to-conflict-zones",
                    "title": "Long-standing ban on weapons to conflict zones",
                    "position": "prohibits",
                    "in_force_from": None,
                    "in_force_from_precision": "day",
                    "url": "http://127.0.0.1:8000/api/v1/stances/kr-no-weapons-to-conflict-zones/",
                },
                "citations": [
                    {
                        "id": 86,
                        "source": {
                            "id": 5,
                            "title": "Seoul declines Ukrainian request for defense system sales",
                            "title_translation": "",
                            "language": "en",
                            "publisher": "Euromaidan Press",
                            "published_on": "2024-11-28",
                            "published_on_precision": "day",
                            "url": "http://127.0.0.1:8000/api/v1/sources/5/",
                        },
                        "quote": (
                            "The publication says the South Korean government ultimately declined"
                            " the weapon sales, citing potential violations of external trade "
                            "laws restricting exports to war zones."
                        ),
                        "quote_translation": "",
                        "translation_source": "",
                        "translation_source_name": "",
                        "relation": "supports",
                        "attribution": "relayed",
                        "relayed_from": {
                            "slug": "sbs",
                            "name": "SBS",
                            "kind": "media_outlet",
                            "country": "KR",
                            "url": "http://127.0.0.1:8000/api/v1/actors/sbs/",
                        },
                        "note": "SBS News's report, as Euromaidan Press relays it.",
                    }
                ],
            }
        ],
        "citations": [
            {
                "id": 83,
                "source": {
                    "id": 5,
                    "title": "Seoul declines Ukrainian request for defense system sales",
                    "title_translation": "",
                    "language": "en",
                    "publisher": "Euromaidan Press",
                    "published_on": "2024-11-28",
                    "published_on_precision": "day",
                    "url": "http://127.0.0.1:8000/api/v1/sources/5/",
                },
                "quote": (
                    "According to government sources, Ukraine specifically sought to purchase the"
                    " Cheongung mid-range air defense missile system, ground-based air defense "
                    "radars, and counter-artillery radars."
                ),
                "quote_translation": "",
                "translation_source": "",
                "translation_source_name": "",
                "relation": "supports",
                "attribution": "relayed",
                "relayed_from": {
                    "slug": "sbs",
                    "name": "SBS",
                    "kind": "media_outlet",
                    "country": "KR",
                    "url": "http://127.0.0.1:8000/api/v1/actors/sbs/",
                },
                "note": (
                    "Reported after the visit as a purchase. SBS News's report, from unnamed "
                    "government sources, as Euromaidan Press relays it."
                ),
            }
        ],
        "created_at": "2026-11-30T18:41:27.860294Z",
        "updated_at": "2026-11-30T18:41:31.138205Z",
        "version": 1,
    },
)


@curated_schema(
    "aid requests",
    facts.AidRequestSerializer,
    list=extend_schema(
        summary="List aid requests",
        description="Filter with the same parameters as the /requests/ page; add `format=csv` "
        "for every matching request as CSV (not paginated).",
        responses={200: facts.AidRequestSerializer, **ERRORS},
        examples=[REQUEST_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="One of the aid requests",
        parameters=[AS_OF],
        responses={200: facts.AidRequestSerializer, **ERRORS},
    ),
)
class AidRequestViewSet(FactViewSet):
    serializer_class = facts.AidRequestSerializer
    filterset_class = filters.AidRequestFilter

    @cached_property
    def as_of(self):
        """The day of the view of the past a read asks for; writes always see the present."""
        if self.request.method not in permissions.SAFE_METHODS:
            return None
        form = filters.AsOfForm(self.request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(form.errors)
        return form.cleaned_data["as_of"]

    def restate_rows(self, rows: list[dict]) -> None:
        """A view of the past: each row's status and latest response as `restate()` gives
        them for the as_of day."""
        if self.as_of is None:
            return
        restated = restate([AidRequest(pk=row["pk"]) for row in rows], self.as_of)
        for row, aid_request in zip(rows, restated, strict=True):
            reads.overwrite(row, aid_request, ["status", "latest_response"])

    def not_known(self) -> exceptions.NotFound:
        return exceptions.NotFound(
            f"No such request, or no article published by {self.as_of} reports it."
        )

    def retrieve(self, request, *args, **kwargs):
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            if self.as_of is None:
                raise
            raise self.not_known() from None

    def get_queryset(self):
        requests = AidRequest.objects.for_listing().with_reports(self.as_of)
        if self.detail and self.as_of:
            requests = requests.known_on(self.as_of)
        return requests

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return restate(page, self.as_of) if page is not None and self.as_of else page

    def get_object(self):
        if self.as_of is None:
            return super().get_object()
        try:
            aid_request = super().get_object()
        except Http404:
            raise self.not_known() from None
        return restate([aid_request], self.as_of)[0]

    @extend_schema(
        summary="One aid request as schema.org JSON-LD",
        description="The request and its answers as schema.org `Claim`s, each appearing in the "
        "`NewsArticle`s that report it, with their quotes; `as_of` works as on the request.",
        parameters=[AS_OF],
        responses={(200, "application/ld+json"): OpenApiTypes.OBJECT, **ERRORS},
    )
    @action(detail=True, renderer_classes=[JSONLDRenderer, renderers.JSONRenderer])
    def jsonld(self, request, pk=None):
        return Response(request_claims(request, self.get_object()))

    def get_renderers(self):
        if self.action == "list":
            return [*super().get_renderers(), CSVRenderer()]
        return super().get_renderers()

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "csv":
            queryset = self.filter_queryset(AidRequest.objects.for_listing())
            return requests_csv(request, queryset, self.as_of)
        return super().list(request, *args, **kwargs)


RESPONSE_EXAMPLE = OpenApiExample(
    "Record a refusal with its quote",
    request_only=True,
    value={
        "slug": "kr-declines-cheongung-2024-11-28",
        "request": 10,
        "responder": "south-korea",
        "responded_on": "2024-11-28",
        "responded_on_precision": "day",
        "decision": "declined",
        "summary": "Seoul declines the sale.",
        "reason": "Trade law restricts exports to war zones.",
        "stance": "kr-declines-arms-sales-2024-11",
        "citations": [
            {
                "source": 5,
                "quote": "the South Korean government ultimately declined the weapon sales",
            }
        ],
    },
)


@curated_schema(
    "responses",
    facts.AidResponseSerializer,
    create=extend_schema(
        summary="Record a response",
        description="Records an answer to a request, with its first citations, and re-derives "
        "the request's status in the same transaction.",
        responses={201: facts.AidResponseSerializer, **WRITE_ERRORS},
        examples=[RESPONSE_EXAMPLE],
    ),
)
class AidResponseViewSet(FactViewSet):
    queryset = (
        AidResponse.objects.select_related("request", "responder", "voiced_by", "stance")
        .prefetch_related("conflicts_with")
        .with_citations()
    )
    serializer_class = facts.AidResponseSerializer
    filterset_class = filters.AidResponseFilter

    def delete_record(self, record) -> None:
        services.response_delete(response=record)


@curated_schema("contributions", facts.ContributionSerializer)
class ContributionViewSet(FactViewSet):
    queryset = Contribution.objects.select_related(
        "donor", "recipient", "intermediary", "item", "request"
    ).with_citations()
    serializer_class = facts.ContributionSerializer
    filterset_class = filters.ContributionFilter
    lookup_field = "slug"


@curated_schema("citations", serializers.CitationSerializer)
class CitationViewSet(CuratedViewSet):
    queryset = Citation.objects.select_related(
        "source__publisher",
        "request",
        "response",
        "stance",
        "contribution",
        "event",
        "role__person",
        "action",
        "relayed_from",
    )
    serializer_class = serializers.CitationSerializer
    filterset_class = filters.CitationFilter

    def delete_record(self, record) -> None:
        services.citation_delete(citation=record)
