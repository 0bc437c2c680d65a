"""The fast read path (requests_app/api/reads.py) answers every API list and detail, with every
filter, exactly as DRF's serializers do: the same fields, values and key order."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers

from requests_app import services
from requests_app.api import reads, urls, views
from requests_app.models import (
    Actor,
    AidRequest,
    AidResponse,
    Citation,
    Item,
    SourceArticle,
)

ENDPOINTS = {
    prefix: viewset
    for prefix, viewset, _ in urls.router.registry
    if issubclass(viewset, views.CuratedViewSet)
}

# Values of every filter of each endpoint's FilterSet, chosen to match seed rows; a choice
# filter is tried with each of its choices.
FILTER_VALUES = {
    "changed_since": ["2000-01-01T00:00:00Z", "2999-01-01T00:00:00Z"],
    "reviewed": ["true", "false"],
    "q": ["air", "korea", "kyiv"],
    "requester": ["ukraine"],
    "addressee": ["south-korea"],
    "voiced_by": ["rustem-umerov"],
    "item": ["cheongung"],
    "made_after": ["2024-10-01"],
    "made_before": ["2024-10-31"],
    "source": ["1"],
    "as_of": ["2023-06-01", "2024-07-15", "2024-12-01"],
    "publisher": ["kyiv-post", "euromaidan-press"],
    "request": ["1", "9"],
    "responder": ["south-korea"],
    "stance": ["kr-no-weapons-to-conflict-zones"],
    "responded_after": ["2024-11-01"],
    "responded_before": ["2024-06-30"],
    "holder": ["south-korea"],
    "in_force_on": ["2024-07-01"],
    "donor": ["south-korea"],
    "recipient": ["ukraine"],
    "actor": ["russia", "ukraine"],
    "counterpart": ["south-korea"],
    "person": ["rustem-umerov"],
    "organisation": ["south-korea"],
    "is_current": ["true", "false"],
    "response": ["1"],
}


def filter_values(name: str, f) -> list[str]:
    if name == "ordering":
        return [choice for choice, _ in f.field.choices if choice]
    if hasattr(f, "extra") and "choices" in f.extra:
        return [value for value, _ in f.extra["choices"]]
    return FILTER_VALUES[name]


@pytest.fixture
def disputed_and_linked(seeded):
    """Records the seed lacks: answers that conflict with each other, a disputing citation, a
    relayed one, articles with no publisher (one with an address), an item with a maker, a
    family and a price, an article in Korean with a translated headline and quote."""
    declined = AidResponse.objects.get(slug="ua-kr-2024-11-cheongung-declined")
    article, quote = declined.citations.values_list("source", "quote").first()
    article = SourceArticle.objects.get(pk=article)
    unsigned = {}
    for slug, url in [("unsigned-post", "https://www.example.org/post"), ("unsigned-note", "")]:
        unsigned[slug] = services.record_save(
            record=SourceArticle(
                slug=slug,
                title="An article nobody signed",
                body="Seoul said no. Seoul will think again.",
                url=url,
                published_on=datetime.date(2024, 12, 1),
                date_evidence="Dated in the text.",
            )
        )
        services.record_save(
            record=Citation(source=unsigned[slug], quote="Seoul said no.", response=declined)
        )
    # Reported on 1 December only: on 30 November the refusal is still the latest answer.
    other = services.response_save(
        response=AidResponse(
            slug="kr-cheongung-considered",
            request=declined.request,
            responder=declined.responder,
            responded_on=datetime.date(2024, 11, 29),
            decision=AidResponse.Decision.UNDER_CONSIDERATION,
            summary="Considered after all.",
        ),
        conflicts_with=[declined],
        citations=[
            Citation(
                source=unsigned["unsigned-post"],
                quote="Seoul will think again.",
                relation=Citation.Relation.DISPUTES,
            )
        ],
    )
    services.record_save(
        record=Citation(
            source=article,
            quote=quote,
            request=declined.request,
            attribution=Citation.Attribution.RELAYED,
            relayed_from=article.publisher or Actor.objects.filter(kind="media_outlet").first(),
            note="Relayed.",
        )
    )
    korean = services.record_save(
        record=SourceArticle(
            slug="korean-report",
            title="국방부, 천궁 수출 검토 안 해",
            title_translation="Defence ministry not considering Cheongung exports",
            language="ko",
            body="국방부는 천궁 수출을 검토하지 않는다고 밝혔다.",
            published_on=datetime.date(2024, 11, 28),
            date_evidence="Dated in the text.",
        )
    )
    services.record_save(
        record=Citation(
            source=korean,
            quote="천궁 수출을 검토하지 않는다",
            quote_translation="It is not considering exports of Cheongung.",
            translation_source=Citation.Translator.CURATOR,
            response=declined,
        )
    )
    item = Item.objects.get(slug="cheongung")
    item.maker = Actor.objects.get(slug="lig-nex1")
    item.variant_of = Item.objects.get(slug="air-defence-systems")
    item.unit_cost, item.unit_cost_currency = Decimal("1234.50"), "USD"
    services.record_save(record=item)
    return other


def urls_of(prefix: str, viewset) -> list[str]:
    """The list with no filter, by page and by cursor, with each value of each filter, and every
    record's detail."""
    base = f"/api/v1/{prefix}/"
    found = [f"{base}?page_size=100", f"{base}?page_size=2&page=2", f"{base}?page_size=2&cursor="]
    for name, f in viewset.filterset_class.base_filters.items():
        found += [f"{base}?page_size=100&{name}={value}" for value in filter_values(name, f)]
    lookup = viewset.lookup_field
    model = viewset.serializer_class.Meta.model
    found += [f"{base}{value}/" for value in model.objects.values_list(lookup, flat=True)]
    return found


@pytest.fixture
def reader(client, django_user_model):
    """A signed-in reader: nothing they read comes from the page cache."""
    client.force_login(django_user_model.objects.create_user("reader"))
    return client


def answers(client, url: str, monkeypatch, status: int | None = 200) -> tuple[dict, dict]:
    """The fast path's JSON and DRF's for one address (with the same status, if not given)."""
    fast = client.get(url)
    with monkeypatch.context() as patch:
        patch.setattr(views.CuratedViewSet, "reads_fast", lambda self: False)
        slow = client.get(url)
    assert fast.status_code == slow.status_code == (status or slow.status_code), url
    return json.loads(fast.content), json.loads(slow.content)


@pytest.mark.parametrize("prefix", sorted(ENDPOINTS))
def test_fast_reads_equal_the_serializers_on_every_filter_and_record(
    prefix, disputed_and_linked, reader, monkeypatch
):
    matched = 0
    for url in urls_of(prefix, ENDPOINTS[prefix]):
        # A second page of a short list is a 404 on both paths.
        fast, slow = answers(reader, url, monkeypatch, status=None)
        assert fast == slow, url
        # Same keys in the same order, at every depth.
        assert json.dumps(fast) == json.dumps(slow), url
        matched += len(fast.get("results", [fast] if "detail" not in fast else []))
    assert matched


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/requests/999999/",
        "/api/v1/requests/not-an-id/",
        "/api/v1/actors/nobody/",
        "/api/v1/requests/?page=999",
    ],
)
def test_missing_records_and_pages_answer_404_as_drf_does(url, seeded, reader, monkeypatch):
    fast, slow = answers(reader, url, monkeypatch, status=404)
    assert fast == slow


@pytest.mark.parametrize("day", ["2023-06-01", "2024-07-15", "2024-11-30", "2024-12-01"])
def test_views_of_the_past_equal_the_serializers(day, disputed_and_linked, reader, monkeypatch):
    """Each request as reported by a day (404 if not yet reported), and the list by status."""
    found = 0
    for pk in AidRequest.objects.values_list("pk", flat=True):
        fast, slow = answers(reader, f"/api/v1/requests/{pk}/?as_of={day}", monkeypatch, None)
        assert json.dumps(fast) == json.dumps(slow)
        found += "status" in fast
    assert found
    for status in ["", *AidRequest.Status.values]:
        url = f"/api/v1/requests/?as_of={day}&status={status}&ordering=-status"
        fast, slow = answers(reader, url, monkeypatch)
        assert json.dumps(fast) == json.dumps(slow)


def test_the_fast_path_serves_json_reads_and_drf_the_browsable_api(seeded, client):
    fast = client.get("/api/v1/requests/")
    browsable = client.get("/api/v1/requests/?format=api")
    assert fast.headers["Content-Type"] == "application/json"
    assert fast.renderer_context["view"].reads_fast()
    assert not browsable.renderer_context["view"].reads_fast()
    assert browsable.headers["Content-Type"].startswith("text/html")


def test_a_view_of_the_past_restates_status_and_stance_on_the_fast_path(
    disputed_and_linked, client
):
    """The answer first reported on 1 December is not yet known on 30 November."""
    url = f"/api/v1/requests/{disputed_and_linked.request_id}/"
    then = client.get(f"{url}?as_of=2024-11-30")
    assert then.renderer_context["view"].reads_fast()
    assert then.json()["status"] == "declined"
    assert then.json()["current_stance"]["slug"] == "kr-no-weapons-to-conflict-zones"
    now = client.get(f"{url}?as_of=2024-12-01").json()
    assert (now["status"], now["current_stance"]) == ("under_consideration", None)


def test_disputes_and_conflicts_show_on_the_fast_path(disputed_and_linked, client):
    detail = client.get(f"/api/v1/requests/{disputed_and_linked.request_id}/").json()
    answers = {r["id"]: r for r in detail["responses"]}
    assert answers[disputed_and_linked.pk]["disputed"] is True
    response = client.get(f"/api/v1/responses/{disputed_and_linked.pk}/").json()
    assert [r["id"] for r in response["conflicts_with"]] == list(
        disputed_and_linked.conflicts_with.values_list("pk", flat=True)
    )
    declined = disputed_and_linked.conflicts_with.get()
    cited = client.get(f"/api/v1/responses/{declined.pk}/").json()["citations"]
    assert {"example.org", "publisher not recorded"} <= {c["source"]["publisher"] for c in cited}
    item = client.get("/api/v1/items/cheongung/").json()
    assert item["unit_cost"] == "1234.50"
    assert item["maker"]["slug"] == "lig-nex1"


@pytest.mark.parametrize(
    "prefix,query",
    [
        ("requests", ""),
        ("requests", "&as_of=2030-01-01"),
        ("responses", ""),
        ("events", ""),
        ("citations", ""),
        ("actors", ""),
    ],
)
def test_a_fast_list_runs_as_many_queries_for_50_rows_as_for_5(prefix, query, seeded, client):
    """The seed is too small: copies of its records make 50 rows."""
    make_rows(prefix, 50)

    def queries(size: int) -> int:
        caches["pages"].clear()  # each read counts the list, as after a write
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/api/v1/{prefix}/?page_size={size}{query}")
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        return len(captured)

    assert queries(5) == queries(50)


def make_rows(prefix: str, count: int) -> None:
    """At least `count` rows in the list, each with the relations of a seed row."""
    model = ENDPOINTS[prefix].serializer_class.Meta.model
    for i in range(count - model.objects.count()):
        if prefix == "actors":
            services.record_save(
                record=Actor(slug=f"extra-{i}", name=f"Extra {i}", kind=Actor.Kind.COUNTRY)
            )
            continue
        if prefix == "citations":
            first = Citation.objects.filter(request__isnull=False).first()
            services.record_save(
                record=Citation(source=first.source, quote=first.quote, request=first.request)
            )
            continue
        # The fact with the most citations (and, for an answer, conflicts), copied.
        template = model.objects.annotate(n=Count("citations")).order_by("-n").first()
        copy = model.objects.get(pk=template.pk)
        links = {f.name: list(getattr(copy, f.name).all()) for f in model._meta.many_to_many}
        copy.pk = copy.id = None
        copy.slug = f"{template.slug}-copy-{i}"
        citations = [
            Citation(source=c.source, quote=c.quote, relation=c.relation)
            for c in template.citations.all()
        ]
        services.record_save(record=copy, related=links, citations=citations)


def test_a_field_the_plan_does_not_know_is_refused():
    class WithMethod(serializers.ModelSerializer):
        shout = serializers.SerializerMethodField()

        class Meta:
            model = SourceArticle
            fields = ["id", "shout"]

    class WithProperty(serializers.ModelSerializer):
        display = serializers.CharField(source="published_on_display")

        class Meta:
            model = SourceArticle
            fields = ["id", "display"]

    for serializer in (WithMethod, WithProperty):
        with pytest.raises(reads.ReadPlanError):
            reads.plan_for(serializer)


def test_every_endpoint_has_a_plan():
    for viewset in ENDPOINTS.values():
        assert reads.plan_for(viewset.serializer_class).write is not None
