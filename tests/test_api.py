"""The API contract: fields, nesting, filters, pagination, CSV and errors, on the seed data."""

import csv
import io

import pytest
import yaml
from django.urls import reverse

from requests_app.models import AidRequest, Citation, SourceArticle

ENDPOINTS = {
    "request": "pk",
    "response": "pk",
    "actor": "slug",
    "item": "slug",
    "stance": "slug",
    "contribution": "slug",
    "event": "slug",
    "role": "slug",
    "source": "pk",
    "citation": "pk",
}


def get(api, url, params=None, status=200):
    response = api.get(url, params or {})
    assert response.status_code == status, response.content[:500]
    return response.json()


def walk(api, url, params) -> list[str]:
    """Every row's URL, following `next` from the first page."""
    body = get(api, url, params)
    urls = [row["url"] for row in body["results"]]
    while body["next"]:
        body = get(api, body["next"])
        urls += [row["url"] for row in body["results"]]
    return urls


@pytest.mark.parametrize(("basename", "lookup"), ENDPOINTS.items())
def test_every_endpoint_lists_pages_and_details(api, seeded, basename, lookup):
    page = get(api, reverse(f"api:{basename}-list"))
    assert set(page) == {"count", "count_is_estimate", "next", "previous", "results"}
    assert page["count"] > 0
    # By cursor, the same rows in the same order as by page number.
    url = reverse(f"api:{basename}-list")
    assert walk(api, url, {"cursor": "", "page_size": 7}) == walk(api, url, {"page_size": 7})
    first = page["results"][0]

    detail = get(api, first["url"])

    assert detail == first
    assert first["url"].endswith(f"/{first[lookup if lookup == 'slug' else 'id']}/")


def test_a_request_carries_the_contract_fields(api, seeded):
    cheongung = AidRequest.objects.get(slug="ua-kr-2024-11-cheongung")

    data = get(api, reverse("api:request-detail", args=[cheongung.pk]))

    for field in [
        "id", "url", "status", "requester", "addressee", "item", "quantity", "made_on",
        "made_on_precision", "channel", "mode", "current_stance", "responses", "citations",
    ]:  # fmt: skip
        assert field in data, field
    assert data["status"] == "declined"
    assert data["requester"]["name"] == "Ukraine"
    assert data["requester"]["url"].endswith("/api/v1/actors/ukraine/")
    assert (data["item"]["category"], data["item"]["lethality"]) == ("air_defence", "disputed")
    assert (data["made_on"], data["made_on_precision"]) == ("2024-11-27", "day")
    assert (data["channel"], data["mode"]) == ("official_visit", "purchase")
    assert data["current_stance"]["position"] == "prohibits"
    silence, refusal = data["responses"]
    assert (silence["decision"], silence["responded_on"]) == ("no_comment", "2024-11-26")
    assert refusal["decision"] == "declined"
    assert refusal["responded_on"] == "2024-11-28"
    assert "external trade laws" in refusal["reason"]
    assert refusal["stance"]["slug"] == "kr-no-weapons-to-conflict-zones"
    assert (data["review_state"], refusal["review_state"]) == ("reviewed", "reviewed")
    assert {c["source"]["publisher"] for c in data["citations"]} >= {"Euromaidan Press"}
    assert all(c["quote"] and c["source"]["url"] for c in data["citations"])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "declined"}, 4),
        ({"q": "Umierov"}, 4),
        ({"category": "radar"}, 2),
        ({"requester": "ukraine", "addressee": "south-korea"}, 13),
        ({"reviewed": "true"}, 13),
        ({"reviewed": "false"}, 0),
        ({"review_state": "questioned"}, 0),
        ({"made_after": "2024-07-01", "made_before": "2024-07-31"}, 1),
        ({"item": "cheongung", "mode": "purchase"}, 1),
    ],
)
def test_requests_filter_like_the_page(api, seeded, params, expected):
    assert get(api, reverse("api:request-list"), params)["count"] == expected


def test_requests_filter_by_source_article(api, seeded):
    article = SourceArticle.objects.get(slug="ki-zelensky-chosun-2023-05")
    data = get(api, reverse("api:request-list"), {"source": article.pk})
    assert {r["made_on"] for r in data["results"]} == {"2023-05-30"}


def test_requests_sort_by_date_either_way(api, seeded):
    oldest = get(api, reverse("api:request-list"), {"ordering": "date"})["results"]
    newest = get(api, reverse("api:request-list"), {"ordering": "-date"})["results"]
    assert oldest[0]["made_on"] == "2022-02-01"
    assert newest[0]["made_on"] == "2024-11-27"


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"status": "bogus"}, "status"),
        ({"made_after": "2024-02-30"}, "made_after"),
        ({"requester": "atlantis"}, "requester"),
        ({"source": "abc"}, "source"),
        ({"ordering": "password"}, "ordering"),
        ({"category": "'; DROP TABLE x;--"}, "category"),
        ({"requester": "uk\x00raine"}, "requester"),
        ({"q": "nul\x00byte"}, "q"),
    ],
)
def test_a_bad_filter_answers_400_naming_the_parameter(api, seeded, params, parameter):
    errors = get(api, reverse("api:request-list"), params, status=400)
    assert list(errors) == [parameter]


def test_unknown_ids_and_pages_answer_404(api, seeded):
    get(api, reverse("api:request-detail", args=[999999]), status=404)
    get(api, reverse("api:actor-detail", args=["atlantis"]), status=404)
    get(api, reverse("api:request-list"), {"page": 99}, status=404)


def test_page_size_is_capped(api, seeded):
    assert Citation.objects.count() > 100
    page = get(api, reverse("api:citation-list"), {"page_size": 10**9})
    assert len(page["results"]) == 100
    assert page["next"]
    assert len(get(api, reverse("api:citation-list"))["results"]) == 25


def test_csv_export_of_the_filtered_list(api, seeded):
    response = api.get(reverse("api:request-list"), {"status": "declined", "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 4
    assert {row["status"] for row in rows} == {"declined"}
    assert {row["review_state"] for row in rows} == {"reviewed"}


def test_csv_export_reports_a_bad_filter_as_csv(api, seeded):
    response = api.get(reverse("api:request-list"), {"status": "nope", "format": "csv"})
    assert response.status_code == 400
    assert response.content.decode().splitlines()[1].startswith("status,")


@pytest.mark.parametrize("basename", ENDPOINTS)
def test_every_list_runs_the_same_queries_for_1_or_25_rows(api, seeded, basename):
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (1, 25):
        caches["pages"].clear()  # each read counts the list, as after a write
        with CaptureQueriesContext(connection) as queries:
            get(api, reverse(f"api:{basename}-list"), {"page_size": size})
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8


def test_schema_describes_every_field_and_parameter(api, seeded):
    response = api.get(reverse("api:schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)

    assert schema["openapi"].startswith("3.")
    undescribed = [
        f"{name}.{prop}"
        for name, component in schema["components"]["schemas"].items()
        for prop, spec in component.get("properties", {}).items()
        if not spec.get("description")
    ]
    undescribed += [
        f"{method.upper()} {path} {parameter['name']}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if not parameter.get("description")
    ]
    assert undescribed == []
    assert "/api/v1/requests/" in schema["paths"]


def test_docs_are_served_from_the_apps_own_static_files(client, seeded):
    html = client.get(reverse("api:docs")).content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "https://" not in html and "http://" not in html.replace("http://testserver", "")


def test_the_browsable_root_says_what_the_api_is(client, db):
    html = client.get(reverse("api:api-root"), HTTP_ACCEPT="text/html").content.decode()

    assert "<h1>aidtracker API, version 1</h1>" in html
    assert "Reads are public" in html
    assert "DefaultRouter" not in html
