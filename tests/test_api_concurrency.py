"""Concurrent edits through the API: a change made from a stale read is refused with 412 and
changes nothing, whether the client says what it read with `version` or with If-Match."""

import pytest
from django.urls import reverse

from requests_app.models import Actor, AidRequest, AidResponse


@pytest.fixture
def as_curator(api, curator, token_for):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(curator)}")
    return api


def test_a_detail_carries_its_version_and_an_etag_of_it(as_curator, ukraine):
    response = as_curator.get(reverse("api:actor-detail", args=["ukraine"]))

    assert response.json()["version"] == ukraine.version == 1
    # The version first (If-Match checks it), then the read's tag (for 304s).
    assert response["ETag"].startswith('"1.')


def test_the_second_put_from_a_stale_read_answers_412_and_keeps_the_first(as_curator, ukraine):
    url = reverse("api:actor-detail", args=["ukraine"])
    read = as_curator.get(url).json()

    first = as_curator.put(url, {**read, "description": "First editor."}, format="json")
    second = as_curator.put(url, {**read, "description": "Second editor."}, format="json")

    assert first.status_code == 200
    assert first.json()["version"] == 2
    assert first["ETag"] == '"2"'
    assert second.status_code == 412
    assert "changed" in second.json()["detail"]
    ukraine.refresh_from_db()
    assert (ukraine.description, ukraine.version) == ("First editor.", 2)


def test_a_patch_with_a_stale_if_match_answers_412_and_keeps_the_first(as_curator, aid_request):
    url = reverse("api:request-detail", args=[aid_request.pk])
    tag = as_curator.get(url)["ETag"]

    first = as_curator.patch(url, {"title": "First"}, format="json", HTTP_IF_MATCH=tag)
    second = as_curator.patch(url, {"title": "Second"}, format="json", HTTP_IF_MATCH=tag)

    assert first.status_code == 200
    assert second.status_code == 412
    assert AidRequest.objects.get(pk=aid_request.pk).title == "First"


def test_an_edit_saved_in_a_shell_makes_an_earlier_read_stale(as_curator, ukraine):
    """save() alone, with no service, counts a version too."""
    url = reverse("api:actor-detail", args=["ukraine"])
    tag = as_curator.get(url)["ETag"]

    in_a_shell = Actor.objects.get(slug="ukraine")
    in_a_shell.description = "Edited in a shell."
    in_a_shell.save()

    late = as_curator.patch(url, {"description": "From the API."}, format="json", HTTP_IF_MATCH=tag)
    assert late.status_code == 412
    ukraine.refresh_from_db()
    assert (ukraine.description, ukraine.version) == ("Edited in a shell.", 2)
    assert in_a_shell.version == 2


def test_a_stale_response_edit_through_its_own_service_answers_412(
    as_curator, aid_request, record_response
):
    response = record_response(aid_request, AidResponse.Decision.DECLINED, aid_request.made_on)
    url = reverse("api:response-detail", args=[response.pk])
    read = as_curator.get(url).json()

    assert as_curator.patch(url, {"reason": "One."}, format="json").status_code == 200
    stale = as_curator.patch(url, {"reason": "Two.", "version": read["version"]}, format="json")

    assert stale.status_code == 412
    assert AidResponse.objects.get(pk=response.pk).reason == "One."


@pytest.mark.parametrize("tag", ['"not-a-version"', 'W/"7"'])
def test_an_if_match_that_is_not_the_current_etag_answers_412(as_curator, ukraine, tag):
    url = reverse("api:actor-detail", args=["ukraine"])
    response = as_curator.patch(url, {"description": "Changed."}, format="json", HTTP_IF_MATCH=tag)

    assert response.status_code == 412
    assert Actor.objects.get(slug="ukraine").description == ukraine.description


def test_a_matching_version_and_if_match_save(as_curator, ukraine):
    url = reverse("api:actor-detail", args=["ukraine"])
    response = as_curator.patch(
        url, {"description": "Fresh.", "version": 1}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 200
    assert Actor.objects.get(slug="ukraine").description == "Fresh."
