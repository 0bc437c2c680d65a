"""The write services: every door (admin, API, fixtures, import) goes through them."""

import datetime
import json
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts.models import Event as Outbox
from requests_app import services
from requests_app.models import Actor, AidRequest, AidResponse, Citation, Event, StatusSpan
from requests_app.services import records


def changed_since(api, list_name: str, since) -> list[int]:
    rows = api.get(reverse(f"api:{list_name}-list"), {"changed_since": since.isoformat()})
    return [row["id"] for row in rows.json()["results"]]


def test_renaming_a_stance_marks_the_requests_and_answers_that_show_it(
    api, aid_request, record_response, make_stance
):
    stance = make_stance()
    answer = record_response(aid_request, "declined", datetime.date(2024, 11, 28), stance=stance)
    since = timezone.now()

    stance.title = "Weapon sales refused under the Foreign Trade Act"
    services.record_save(record=stance)

    assert changed_since(api, "request", since) == [aid_request.pk]
    assert changed_since(api, "response", since) == [answer.pk]


def test_linking_two_conflicting_answers_marks_both_as_changed(api, aid_request, record_response):
    first = record_response(aid_request, "declined", datetime.date(2024, 11, 28))
    second = record_response(aid_request, "under_consideration", datetime.date(2024, 11, 28))
    since = timezone.now()

    services.response_save(response=first, conflicts_with=[second])

    assert sorted(changed_since(api, "response", since)) == sorted([first.pk, second.pk])
    since = timezone.now()
    services.response_save(response=first, conflicts_with=[])
    assert sorted(changed_since(api, "response", since)) == sorted([first.pk, second.pk])


def test_a_detail_is_found_whatever_list_filters_its_address_carries(api, aid_request):
    url = reverse("api:request-detail", args=[aid_request.pk])

    response = api.get(url, {"status": "declined", "q": "nothing matches this"})

    assert response.status_code == 200
    assert response.json()["id"] == aid_request.pk


def test_a_slug_taken_by_a_concurrent_writer_moves_on_to_the_next_free_one(make_actor, monkeypatch):
    make_actor("atlantis", name="Atlantis")
    # Another writer took the slug between this writer's look and its insert.
    monkeypatch.setattr(records, "unique_slug", mock.Mock(side_effect=["atlantis", "atlantis-2"]))

    saved = services.record_save(record=Actor(name="Atlantis", kind=Actor.Kind.COUNTRY))

    assert saved.slug == "atlantis-2"
    assert Actor.objects.filter(name="Atlantis").count() == 2


def test_a_new_fact_without_a_citation_is_refused(db):
    event = Event(title="Treaty", summary="Signed.", occurred_on=datetime.date(2024, 6, 19))

    with pytest.raises(ValidationError, match="Cite at least one source article"):
        services.record_save(record=event)

    assert not Event.objects.exists()


def test_the_last_citation_of_a_fact_cannot_be_removed(aid_request, article):
    only = aid_request.citations.get()
    with pytest.raises(ValidationError, match="only citation"):
        services.citation_delete(citation=only)

    services.record_save(
        record=Citation(source=article, quote="declined the weapon sales", request=aid_request)
    )
    services.citation_delete(citation=only)
    assert aid_request.citations.count() == 1


def test_a_fixture_with_an_uncited_fact_loads_nothing(db, tmp_path):
    fixture = tmp_path / "uncited.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "requests_app.event",
                    "fields": {
                        "slug": "treaty",
                        "title": "Treaty",
                        "summary": "Signed.",
                        "kind": "agreement",
                        "occurred_on": "2024-06-19",
                    },
                }
            ]
        )
    )

    with pytest.raises(CommandError, match="Facts without a citation: Treaty"):
        call_command("load_seed", str(fixture), verbosity=0)

    assert not Event.objects.exists()


def test_moving_an_answer_to_another_request_re_derives_both_statuses(
    aid_request, make_request, record_response
):
    other = make_request("other-request", title="Shells")
    answer = record_response(aid_request, "declined", datetime.date(2024, 11, 28))

    answer.request = other
    services.response_save(response=answer)

    aid_request.refresh_from_db()
    other.refresh_from_db()
    assert (aid_request.status, other.status) == ("pending", "declined")
    assert AidResponse.objects.get().request == other
    assert AidRequest.objects.get(pk=other.pk).latest_response == answer


def derive_all() -> int:
    """Derive every request again; the number of queries it took."""
    with CaptureQueriesContext(connection) as captured:
        services.requests_derive(request_ids=AidRequest.objects.values_list("pk", flat=True))
    return len(captured)


def answered_requests(make_request, record_response, count: int, start: int = 0) -> None:
    """`count` requests, each with two answers written as loaddata writes them: underived."""
    for number in range(start, start + count):
        aid_request = make_request(f"request-{number}", title=f"Request {number}")
        for day, decision in [(1, "under_consideration"), (2, "declined")]:
            record_response(aid_request, decision, datetime.date(2024, 12, day))
    AidRequest.objects.update(status="pending", latest_response=None)
    StatusSpan.objects.all().delete()


def test_deriving_statuses_takes_as_many_queries_for_many_requests_as_for_a_few(
    make_request, record_response
):
    answered_requests(make_request, record_response, 2)
    few = derive_all()

    answered_requests(make_request, record_response, 20, start=2)

    assert derive_all() == few
    assert set(AidRequest.objects.values_list("status", flat=True)) == {"declined"}
    assert StatusSpan.objects.filter(status="declined").count() == 22


def test_deriving_writes_only_the_requests_that_changed_with_their_history_and_events(
    make_request, record_response
):
    answered_requests(make_request, record_response, 3)
    AidRequest.objects.filter(slug="request-0").update(status="declined")  # only the answer
    statuses = Outbox.objects.filter(type="request.status_changed")
    told_before = set(statuses.values_list("pk", flat=True))

    derive_all()
    told = sorted((event.record_id, event.change) for event in statuses.exclude(pk__in=told_before))
    written = {r.pk: (r.updated_at, r.history.count()) for r in AidRequest.objects.all()}
    derive_all()

    assert [r.status for r in AidRequest.objects.all()] == ["declined"] * 3
    assert told == [
        (pk, {"from": "pending", "to": "declined"})
        for pk in AidRequest.objects.exclude(slug="request-0")
        .order_by("pk")
        .values_list("pk", flat=True)
    ]
    assert AidRequest.objects.get(slug="request-0").history.first().latest_response_id
    assert {r.pk: (r.updated_at, r.history.count()) for r in AidRequest.objects.all()} == written
    assert statuses.count() == len(told_before) + len(told)


def test_a_stale_copy_saved_after_an_answer_keeps_the_derived_status(aid_request, record_response):
    stale = AidRequest.objects.get(pk=aid_request.pk)  # loaded before the answer
    answer = record_response(aid_request, "fulfilled", datetime.date(2024, 12, 1))

    stale.summary = "Ukraine asked to buy Cheongung; corrected."
    services.record_save(record=stale)

    saved = AidRequest.objects.get(pk=aid_request.pk)
    assert (saved.status, saved.latest_response) == ("fulfilled", answer)
    assert saved.summary.endswith("corrected.")


def test_a_stale_copy_saved_plainly_keeps_the_derived_status(aid_request, record_response):
    """In a shell or a script, with no service: save() alone."""
    stale = AidRequest.objects.get(pk=aid_request.pk)  # loaded before the answer
    answer = record_response(aid_request, "fulfilled", datetime.date(2024, 12, 1))

    stale.title = "Cheongung, corrected"
    stale.save()

    saved = AidRequest.objects.get(pk=aid_request.pk)
    assert (saved.status, saved.latest_response) == ("fulfilled", answer)
    assert saved.title == "Cheongung, corrected"


def test_a_copy_of_an_answered_and_read_request_starts_as_a_new_one(
    aid_request, record_response, make_user
):
    """In a shell, as Django's documentation copies a record."""
    record_response(aid_request, "fulfilled", datetime.date(2024, 12, 1))
    services.fact_review(fact=aid_request, reviewer=make_user("second-reader"), state="reviewed")
    copy = AidRequest.objects.get(pk=aid_request.pk)
    copy.pk, copy._state.adding, copy.slug = None, True, "a-copy"

    copy.save()

    saved = AidRequest.objects.get(slug="a-copy")
    assert (saved.status, saved.latest_response) == ("pending", None)
    assert (saved.review_state, saved.reviewed_by, saved.version) == ("draft", None, 1)
    original = AidRequest.objects.get(pk=aid_request.pk)
    assert (original.status, original.review_state) == ("fulfilled", "reviewed")
    assert original.version > 1


def test_a_stale_api_write_keeps_the_derived_status(
    api, curator, token_for, aid_request, record_response, monkeypatch
):
    from requests_app.api.views import AidRequestViewSet

    # The API loaded the request, then an answer was recorded before its save.
    stale = AidRequest.objects.get(pk=aid_request.pk)
    monkeypatch.setattr(AidRequestViewSet, "get_object", lambda view: stale)
    record_response(aid_request, "fulfilled", datetime.date(2024, 12, 1))
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(curator)}")
    url = reverse("api:request-detail", args=[aid_request.pk])

    assert api.patch(url, {"summary": "Corrected."}, format="json").status_code == 200

    saved = AidRequest.objects.get(pk=aid_request.pk)
    assert (saved.status, saved.summary) == ("fulfilled", "Corrected.")


def test_a_stale_admin_save_keeps_the_derived_status(
    admin_client, aid_request, record_response, monkeypatch
):
    from requests_app.admin.records import AidRequestAdmin
    from tests.test_curation import admin_url, form_data

    url = admin_url(AidRequest, "change", aid_request.pk)
    data = form_data(admin_client.get(url))
    # The admin loaded the request, then an answer was recorded before its save.
    stale = AidRequest.objects.get(pk=aid_request.pk)
    monkeypatch.setattr(AidRequestAdmin, "get_object", lambda *args, **kwargs: stale)
    answer = record_response(aid_request, "fulfilled", datetime.date(2024, 12, 1))
    data["responses-TOTAL_FORMS"] = data["responses-INITIAL_FORMS"] = "0"

    response = admin_client.post(url, {**data, "summary": "Corrected in the admin."})

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    saved = AidRequest.objects.get(pk=aid_request.pk)
    assert (saved.status, saved.latest_response, saved.summary) == (
        "fulfilled",
        answer,
        "Corrected in the admin.",
    )


def test_a_slug_made_from_a_long_name_ends_at_a_word(db):
    name = " ".join(["Ministry of Foreign Affairs"] * 6)
    full = "-".join(["ministry-of-foreign-affairs"] * 6)

    actor = services.record_save(record=Actor(name=name, kind=Actor.Kind.GOVERNMENT_BODY))

    assert len(actor.slug) <= 100
    assert full.startswith(actor.slug + "-")
