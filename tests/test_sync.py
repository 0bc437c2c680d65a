"""Incremental sync: `changed_since` on every API list, and tombstones of deleted records."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_app import services
from requests_app.models import AidRequest, AidResponse, Citation

LISTS = [
    "request", "response", "actor", "item", "stance", "contribution", "event", "source",
    "citation",
]  # fmt: skip


def fetch_all(api, url: str, **params) -> list[dict]:
    """Every row of a list, page after page, as a syncing client reads it."""
    rows, page = [], api.get(url, {**params, "page_size": 100})
    while True:
        assert page.status_code == 200, page.content[:300]
        data = page.json()
        rows += data["results"]
        if not data["next"]:
            return rows
        page = api.get(data["next"])


@pytest.mark.parametrize("basename", LISTS)
def test_every_list_filters_on_changed_since(api, seeded, basename):
    url = reverse(f"api:{basename}-list")
    everything = api.get(url).json()["count"]

    assert api.get(url, {"changed_since": "2000-01-01T00:00:00Z"}).json()["count"] == everything
    future = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    assert api.get(url, {"changed_since": future}).json()["count"] == 0


@pytest.mark.parametrize(
    "value",
    [
        "yesterday",
        "2024-13-01T00:00",
        "1e309",
        "2024-11-28T25:00",
        "0001-01-01T00:00:00+16:00",  # before year 1 in UTC
    ],
)
def test_a_bad_changed_since_answers_400_naming_it(api, seeded, value):
    for basename in [*LISTS, "deletion"]:
        response = api.get(reverse(f"api:{basename}-list"), {"changed_since": value})
        assert response.status_code == 400
        assert "changed_since" in response.json()


def test_a_client_syncs_changes_and_deletions_since_its_last_sync(api, seeded):
    mirror = {row["id"]: row for row in fetch_all(api, reverse("api:request-list"))}
    responses = {row["id"] for row in fetch_all(api, reverse("api:response-list"))}
    last_sync = timezone.now()

    # Meanwhile a curator edits one request, deletes an answer and adds a request.
    edited = AidRequest.objects.get(slug="ua-kr-2024-07-air-defence")
    edited.title = "Air defence systems, asked for on X"
    services.record_save(record=edited)
    deleted = AidResponse.objects.get(slug="ua-kr-2024-11-cheongung-declined")
    deleted_id = deleted.pk
    services.response_delete(response=deleted)
    added = AidRequest.objects.get(slug="ua-kr-2024-11-cheongung")
    added.pk, added.slug, added.version = None, "ua-kr-2024-12-cheongung-again", 1
    report = Citation.objects.filter(request__slug="ua-kr-2024-11-cheongung").first()
    services.record_save(
        record=added, citations=[Citation(source=report.source, quote=report.quote)]
    )

    since = {"changed_since": last_sync.isoformat()}
    changed = fetch_all(api, reverse("api:request-list"), **since)
    gone = fetch_all(api, reverse("api:deletion-list"), **since)

    # The edited and the added request, and the declined one whose status the deletion reset.
    assert {row["slug"] for row in changed} == {
        "ua-kr-2024-07-air-defence",
        "ua-kr-2024-12-cheongung-again",
        "ua-kr-2024-11-cheongung",
    }
    tombstones = {(row["type"], row["id"]) for row in gone}
    assert ("response", deleted_id) in tombstones
    assert deleted_id in responses
    # The deleted answer's citations went with it, and say so.
    assert {row["type"] for row in gone} == {"response", "citation"}

    mirror.update({row["id"]: row for row in changed})
    server = {row["id"]: row for row in fetch_all(api, reverse("api:request-list"))}
    assert mirror == server


def test_tombstones_name_the_record_and_when_it_went(api, seeded):
    citation = Citation.objects.filter(event__isnull=False).first()
    citation_id, before = citation.pk, timezone.now()
    services.record_delete(record=citation)

    rows = api.get(reverse("api:deletion-list"), {"type": "citation"}).json()["results"]

    assert rows == [
        {
            "type": "citation",
            "id": citation_id,
            "slug": None,
            "deleted_at": rows[0]["deleted_at"],
        }
    ]
    assert datetime.datetime.fromisoformat(rows[0]["deleted_at"]) >= before
    assert api.get(reverse("api:deletion-list"), {"type": "event"}).json()["count"] == 0


def test_a_new_quote_or_answer_marks_the_request_that_shows_it_as_changed(api, seeded):
    cheongung = AidRequest.objects.get(slug="ua-kr-2024-11-cheongung")
    declined = cheongung.responses.get(decision="declined")
    article = declined.citations.first().source
    url = reverse("api:request-list")

    since = {"changed_since": timezone.now().isoformat()}
    services.record_save(
        record=Citation(
            source=article,
            quote="encountered significant governmental resistance",
            response=declined,
        )
    )
    assert [row["slug"] for row in fetch_all(api, url, **since)] == [cheongung.slug]

    since = {"changed_since": timezone.now().isoformat()}
    services.record_delete(record=declined.citations.first())
    assert [row["slug"] for row in fetch_all(api, url, **since)] == [cheongung.slug]
    changed_responses = fetch_all(api, reverse("api:response-list"), **since)
    assert [row["id"] for row in changed_responses] == [declined.pk]


def test_changed_since_takes_any_valid_offset(api, seeded):
    # PostgreSQL refuses offsets beyond ±15:59: the moment is passed on in UTC.
    for basename in ["citation", "deletion"]:
        url = reverse(f"api:{basename}-list")
        response = api.get(url, {"changed_since": "0132-10-21T19:47:56+16:17"})
        assert response.status_code == 200, response.content[:300]
