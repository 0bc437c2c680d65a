"""Writes: who may write, and that writes go through the same rules as the admin."""

import datetime
import re

import pytest
from django.urls import reverse

from requests_app.models import AidRequest, AidResponse, Citation

QUOTE = "the South Korean government ultimately declined the weapon sales"


@pytest.fixture
def as_curator(api, curator, token_for):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(curator)}")
    return api


@pytest.fixture
def refusal(aid_request, article, make_stance):
    """The body of a new response declining `aid_request`, citing `article`."""
    return {
        "slug": "kr-declines",
        "request": aid_request.pk,
        "responder": "south-korea",
        "responded_on": "2024-11-28",
        "responded_on_precision": "day",
        "decision": "declined",
        "summary": "Seoul declines the sale.",
        "reason": "Trade law.",
        "stance": make_stance().slug,
        "citations": [{"source": article.pk, "quote": QUOTE.replace("weapon", "\nweapon")}],
    }


def test_anonymous_writes_are_refused(api, refusal):
    response = api.post(reverse("api:response-list"), refusal, format="json")
    assert response.status_code == 401
    assert not AidResponse.objects.exists()


def test_user_without_the_permission_is_forbidden(api, make_user, token_for, refusal):
    reader = make_user("reader", "add_citation")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(reader)}")

    response = api.post(reverse("api:response-list"), refusal, format="json")

    assert response.status_code == 403
    assert not AidResponse.objects.exists()


def test_curator_records_a_response_with_its_citation_and_the_status_follows(
    as_curator, refusal, aid_request
):
    response = as_curator.post(reverse("api:response-list"), refusal, format="json")

    assert response.status_code == 201, response.json()
    aid_request.refresh_from_db()
    assert aid_request.status == AidRequest.Status.DECLINED
    assert Citation.objects.get(response__isnull=False).response_id == response.json()["id"]
    assert response.json()["request"]["status"] == "declined"
    detail = as_curator.get(reverse("api:request-detail", args=[aid_request.pk])).json()
    assert detail["status"] == "declined"
    assert detail["current_stance"]["slug"] == refusal["stance"]


def test_a_bad_quote_answers_400_with_the_quote_and_saves_nothing(as_curator, refusal):
    refusal["citations"][0]["quote"] = "Seoul agreed to sell Cheongung."

    response = as_curator.post(reverse("api:response-list"), refusal, format="json")

    assert response.status_code == 400
    assert "“Seoul agreed to sell Cheongung.”" in str(response.json())
    assert not AidResponse.objects.exists()
    assert not Citation.objects.filter(source__slug="ep-article").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"responded_on": "2024-11-28", "responded_on_precision": "month"}, "1st of the month"),
        ({"responded_on": "28/11/2024"}, "Date has wrong format"),
        ({"responder": "atlantis"}, "No actor has slug “atlantis”"),
        ({"request": 10**12}, "No aid request has pk"),
        ({"decision": "maybe"}, "not a valid choice"),
        ({"summary": ""}, "may not be blank"),
    ],
)
def test_invalid_responses_answer_400_not_500(as_curator, refusal, change, message):
    response = as_curator.post(reverse("api:response-list"), {**refusal, **change}, format="json")
    assert response.status_code == 400
    assert message in str(response.json())
    assert not AidResponse.objects.exists()


def test_a_request_to_its_own_requester_answers_400(as_curator, make_item, ukraine, article):
    make_item()
    body = {
        "citations": [{"source": article.pk, "quote": QUOTE}],
        "slug": "self",
        "title": "Shells",
        "summary": "Asked itself.",
        "requester": "ukraine",
        "addressee": "ukraine",
        "item": "cheongung",
        "made_on": "2024-11-27",
        "channel": "meeting",
    }
    response = as_curator.post(reverse("api:request-list"), body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["A request cannot be addressed to its own requester."]
    }


def test_changing_and_deleting_a_response_re_derives_the_status(as_curator, refusal, aid_request):
    created = as_curator.post(reverse("api:response-list"), refusal, format="json").json()
    url = reverse("api:response-detail", args=[created["id"]])

    assert as_curator.patch(url, {"decision": "fulfilled"}, format="json").status_code == 200
    aid_request.refresh_from_db()
    assert aid_request.status == AidRequest.Status.FULFILLED

    assert as_curator.delete(url).status_code == 204
    aid_request.refresh_from_db()
    assert aid_request.status == AidRequest.Status.PENDING


def test_citations_of_an_existing_fact_go_through_the_citations_endpoint(
    as_curator, aid_request, article
):
    url = reverse("api:request-detail", args=[aid_request.pk])
    body = {"citations": [{"source": article.pk, "quote": QUOTE}]}
    assert as_curator.patch(url, body, format="json").status_code == 400

    added = as_curator.post(
        reverse("api:citation-list"),
        {"source": article.pk, "quote": QUOTE, "request": aid_request.pk},
        format="json",
    )
    assert added.status_code == 201, added.json()
    assert aid_request.citations.filter(source=article).get().quote == QUOTE


def test_a_new_fact_without_a_citation_answers_400_and_saves_nothing(as_curator, refusal):
    del refusal["citations"]

    response = as_curator.post(reverse("api:response-list"), refusal, format="json")

    assert response.status_code == 400
    assert "Cite at least one source article" in str(response.json()["citations"])
    assert not AidResponse.objects.exists()


def test_the_last_citation_of_a_fact_cannot_be_deleted(as_curator, aid_request):
    only = aid_request.citations.get()

    response = as_curator.delete(reverse("api:citation-detail", args=[only.pk]))

    assert response.status_code == 400
    assert "only citation" in str(response.json())
    assert aid_request.citations.get() == only


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"quote": "Not in the article."}, "does not occur in"),
        ({"quote": QUOTE, "request": None}, "exactly one fact"),
    ],
)
def test_citations_endpoint_refuses_bad_quotes_and_orphans(
    as_curator, aid_request, article, body, message
):
    body = {"source": article.pk, "request": aid_request.pk, **body}
    response = as_curator.post(reverse("api:citation-list"), body, format="json")
    assert response.status_code == 400
    assert message in str(response.json())


def test_deleting_an_actor_that_facts_depend_on_is_refused_with_the_list(as_curator, aid_request):
    response = as_curator.delete(reverse("api:actor-detail", args=["ukraine"]))

    assert response.status_code == 409
    assert "Cheongung, to buy" in response.json()["protected"]


def test_session_writes_need_the_csrf_token(client, curator, refusal):
    from rest_framework.test import APIClient

    api = APIClient(enforce_csrf_checks=True)
    api.force_login(curator)
    url = reverse("api:response-list")

    assert api.post(url, refusal, format="json").status_code == 403

    page = api.get(reverse("api:request-list"), HTTP_ACCEPT="text/html").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = api.post(url, refusal, format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content


def test_events_take_their_actors_by_slug(as_curator, ukraine, south_korea, article):
    body = {
        "slug": "visit",
        "title": "Visit",
        "summary": "A visit.",
        "kind": "meeting",
        "occurred_on": "2024-11-27",
        "actors": ["ukraine", "south-korea"],
        "citations": [{"source": article.pk, "quote": "Seoul declines Ukrainian request."}],
    }
    response = as_curator.post(reverse("api:event-list"), body, format="json")

    assert response.status_code == 201, response.json()
    assert {a["slug"] for a in response.json()["actors"]} == {"ukraine", "south-korea"}
    assert response.json()["occurred_on"] == datetime.date(2024, 11, 27).isoformat()
