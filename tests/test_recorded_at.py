"""Views pinned to a moment of the record (`recorded_at`): what the tracker said then, before
later corrections, read from the history tables, on every page, CSV and API read."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from requests_app import services
from requests_app.models import AidRequest, AidResponse, Citation


def at(moment: datetime.datetime) -> str:
    return moment.isoformat()


@pytest.fixture
def edits(make_request, make_article, record_response, cite):
    """A request created, corrected, answered, disputed and deleted, with the moment after each
    step."""
    moments = {}
    aid_request = make_request(title="Cheongung, to buy")
    moments["created"] = timezone.now()
    aid_request.title = "Cheongung and radars, to buy"
    services.record_save(record=aid_request)
    moments["corrected"] = timezone.now()
    record_response(aid_request, AidResponse.Decision.DECLINED, datetime.date(2024, 11, 28))
    moments["answered"] = timezone.now()
    denial = make_article(
        "denial", body="The ministry said no such request was made.", title="Denial",
        published_on=datetime.date(2024, 11, 29),
    )
    cite(denial, "no such request was made", request=aid_request, relation=Citation.Relation.DISPUTES)
    moments["disputed"] = timezone.now()
    for response in aid_request.responses.all():
        services.response_delete(response=response)
    services.record_delete(record=AidRequest.objects.get(pk=aid_request.pk))
    moments["deleted"] = timezone.now()
    return aid_request.pk, moments


def api_list(api, **params) -> list[dict]:
    response = api.get(reverse("api:request-list"), params)
    assert response.status_code == 200, response.content[:500]
    return response.json()["results"]


def test_each_moment_of_the_api_list_shows_that_moments_record(api, edits):
    pk, moments = edits
    seen = {}
    for name, moment in moments.items():
        rows = api_list(api, recorded_at=at(moment))
        seen[name] = [(row["id"], row["title"], row["status"], row["disputed"]) for row in rows]
    assert seen == {
        "created": [(pk, "Cheongung, to buy", "pending", False)],
        "corrected": [(pk, "Cheongung and radars, to buy", "pending", False)],
        "answered": [(pk, "Cheongung and radars, to buy", "declined", False)],
        "disputed": [(pk, "Cheongung and radars, to buy", "declined", True)],
        "deleted": [],
    }
    assert api_list(api) == []
