"""A second reader for every fact: who may review, what returns a fact to draft, the queue."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app import services
from requests_app.models import AidRequest, Citation, Contribution, Event

QUEUE = "/admin/review/"
REFUSAL = "declined the weapon sales"


@pytest.fixture
def make_curator(make_user):
    """Staff who may change every kind of record."""
    codenames = Permission.objects.filter(content_type__app_label="requests_app").values_list(
        "codename", flat=True
    )

    def make(username: str):
        return make_user(username, *codenames, is_staff=True)

    return make


@pytest.fixture
def author(make_curator):
    return make_curator("author")


@pytest.fixture
def second_reader(make_curator):
    return make_curator("second-reader")


@pytest.fixture
def authored(make_request, author):
    """A request its author edited after it was made."""
    aid_request = make_request()
    aid_request.summary = "Ukraine asked to buy Cheongung, its minister said."
    aid_request._history_user = author
    return services.record_save(record=aid_request)


def review(fact, reviewer, state="reviewed", note=""):
    return services.fact_review(fact=fact, reviewer=reviewer, state=state, note=note)


def test_a_new_fact_awaits_a_second_reader(aid_request):
    assert aid_request.review_state == "draft"
    assert AidRequest.objects.get(pk=aid_request.pk).reviewed_by is None


def test_a_curator_cannot_review_what_they_edited(authored, author, second_reader):
    with pytest.raises(ValidationError, match="another curator"):
        review(authored, author)
    assert AidRequest.objects.get(pk=authored.pk).review_state == "draft"

    review(authored, second_reader)

    saved = AidRequest.objects.get(pk=authored.pk)
    assert (saved.review_state, saved.reviewed_by) == ("reviewed", second_reader)
    assert saved.reviewed_at is not None
    # The reading is in the history, under its reader, and is no edit of theirs.
    latest = saved.history.first()
    assert (latest.history_user, latest.review_state) == (second_reader, "reviewed")
    assert not AidRequest.objects.filter(pk=saved.pk).edited_by(second_reader).exists()


def test_a_curator_cannot_review_what_they_made(
    ukraine, south_korea, make_item, first_report, author
):
    made = AidRequest(
        title="Radars",
        summary="Ukraine asked for radars.",
        requester=ukraine,
        addressee=south_korea,
        item=make_item("radar"),
        made_on=datetime.date(2024, 11, 27),
        channel=AidRequest.Channel.OFFICIAL_VISIT,
    )
    made._history_user = author
    services.record_save(record=made, citations=first_report(None))

    with pytest.raises(ValidationError, match="another curator"):
        review(made, author)


def test_a_curator_who_cited_a_fact_cannot_review_it(aid_request, article, author, second_reader):
    citation = Citation(source=article, quote=REFUSAL, request=aid_request)
    citation._history_user = author
    services.record_save(record=citation)

    with pytest.raises(ValidationError, match="another curator"):
        review(aid_request, author)


def test_a_question_says_what_is_questioned(aid_request, second_reader):
    with pytest.raises(ValidationError, match="Say what is questioned"):
        review(aid_request, second_reader, "questioned", "  ")
    with pytest.raises(ValidationError, match="reviewed or questioned"):
        review(aid_request, second_reader, "draft")

    review(aid_request, second_reader, "questioned", "The quote says 'planned', not 'asked'.")

    saved = AidRequest.objects.get(pk=aid_request.pk)
    assert (saved.review_state, saved.review_note) == (
        "questioned",
        "The quote says 'planned', not 'asked'.",
    )


def test_a_review_of_an_older_version_is_refused(aid_request, second_reader):
    opened = aid_request.version
    aid_request.summary = "Changed meanwhile."
    services.record_save(record=aid_request)

    with pytest.raises(services.StaleEdit):
        services.fact_review(
            fact=aid_request, reviewer=second_reader, state="reviewed", expected_version=opened
        )


def test_an_edit_a_reader_sees_returns_a_fact_to_draft(aid_request, second_reader):
    review(aid_request, second_reader)
    aid_request.refresh_from_db()

    services.record_save(record=aid_request)  # nothing changed
    assert AidRequest.objects.get(pk=aid_request.pk).review_state == "reviewed"

    aid_request.summary = "Ukraine asked to buy Cheongung and radars."
    services.record_save(record=aid_request)

    saved = AidRequest.objects.get(pk=aid_request.pk)
    assert (saved.review_state, saved.reviewed_by, saved.reviewed_at) == ("draft", None, None)
    assert aid_request.version == saved.version


def test_a_question_is_answered_by_an_edit(aid_request, second_reader):
    review(aid_request, second_reader, "questioned", "Say who asked.")
    aid_request.refresh_from_db()
    aid_request.summary = "Ukraine's defence minister asked to buy Cheongung."

    services.record_save(record=aid_request)

    saved = AidRequest.objects.get(pk=aid_request.pk)
    assert (saved.review_state, saved.review_note) == ("draft", "")


def test_a_citation_added_or_removed_returns_its_fact_to_draft(
    aid_request, article, second_reader, cite
):
    review(aid_request, second_reader)
    citation = cite(article, REFUSAL, request=aid_request)
    assert AidRequest.objects.get(pk=aid_request.pk).review_state == "draft"

    review(aid_request, second_reader)
    services.citation_delete(citation=citation)
    assert AidRequest.objects.get(pk=aid_request.pk).review_state == "draft"


def test_a_re_derived_status_leaves_the_review_alone(aid_request, second_reader, record_response):
    review(aid_request, second_reader)

    record_response(aid_request, "declined", datetime.date(2024, 11, 28))

    saved = AidRequest.objects.get(pk=aid_request.pk)
    assert saved.status == "declined"
    assert saved.review_state == "reviewed"


def test_a_dollar_twin_keeps_a_qualified_amounts_qualifier(ukraine, south_korea, first_report):
    def aid(**amounts) -> Contribution:
        return Contribution(
            donor=south_korea,
            recipient=ukraine,
            description="Humanitarian aid",
            status=Contribution.Status.DELIVERED,
            amount=Decimal(300_000_000_000),
            currency="KRW",
            amount_usd=Decimal(230_000_000),
            **amounts,
        )

    with pytest.raises(ValidationError, match="keeps its qualifier"):
        services.record_save(
            record=aid(amount_qualifier="more_than", amount_usd_qualifier="exact"),
            citations=first_report(None),
        )
    assert not Contribution.objects.exists()

    kept = services.record_save(
        record=aid(amount_qualifier="more_than", amount_usd_qualifier="more_than"),
        citations=first_report(None),
    )
    assert kept.amount_usd_display == "more than 230 million USD"
    # An exact amount's conversion may be rounded.
    services.record_save(
        record=aid(amount_qualifier="exact", amount_usd_qualifier="approximately"),
        citations=first_report(None),
    )


def queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(QUEUE)
        assert response.status_code == 200
    return len(captured)


def test_the_queue_shows_each_claim_beside_its_quotes_in_context(
    client, make_request, article, cite, second_reader
):
    aid_request = make_request()
    cite(article, REFUSAL, request=aid_request)
    client.force_login(second_reader)

    html = client.get(QUEUE).content.decode()

    assert "Cheongung, to buy" in html
    assert "Ukraine asked to buy Cheongung." in html
    # The quote, marked, with the words around it in the article.
    assert f"<mark>{REFUSAL}</mark>" in html
    assert "Seoul declines Ukrainian request. The publication says the South Korean" in html
    assert "citing potential violations of external trade laws" in html
    assert 'name="state" value="reviewed"' in html


def test_the_queue_runs_the_same_queries_for_few_or_many_facts(
    client, make_request, record_response, article, cite, second_reader
):
    client.force_login(second_reader)
    first = make_request("first")
    cite(article, REFUSAL, request=first)
    record_response(first, "declined", datetime.date(2024, 11, 28))
    few = queue_queries(client)

    for number in range(8):
        more = make_request(f"more-{number}")
        cite(article, REFUSAL, request=more)
        record_response(more, "declined", datetime.date(2024, 11, 28))

    assert queue_queries(client) == few


def test_the_queue_reviews_and_offers_no_review_of_ones_own(
    client, authored, author, second_reader
):
    answer = {"kind": "aidrequest", "fact": authored.pk, "version": authored.version}
    form = f'name="fact" value="{authored.pk}"'
    client.force_login(author)
    html = client.get(QUEUE).content.decode()
    assert "another curator reviews it" in html and form not in html
    refused = client.post(QUEUE, {**answer, "state": "reviewed"}, follow=True)
    assert "another curator" in refused.content.decode()

    client.force_login(second_reader)
    assert form in client.get(QUEUE).content.decode()
    client.post(QUEUE, {**answer, "state": "reviewed"})

    saved = AidRequest.objects.get(pk=authored.pk)
    assert (saved.review_state, saved.reviewed_by) == ("reviewed", second_reader)
    assert form not in client.get(QUEUE).content.decode()


def test_the_queue_is_for_staff_only(client, make_user):
    client.force_login(make_user("reader"))
    assert client.get(QUEUE).status_code == 302


def test_pages_and_the_api_say_whether_a_second_reader_checked(client, make_request, second_reader):
    checked, unchecked = make_request("checked"), make_request("unchecked", title="Radars")
    review(checked, second_reader)

    page = client.get(checked.get_absolute_url()).content.decode()
    assert '<span class="review review--reviewed">Checked by a second reader</span>' in page
    page = client.get(unchecked.get_absolute_url()).content.decode()
    assert '<span class="review review--draft">Awaits a second reader</span>' in page

    detail = client.get(reverse("api:request-detail", args=[checked.pk])).json()
    assert detail["review_state"] == "reviewed"
    api = client.get(reverse("api:request-list"), {"reviewed": "true"}).json()
    assert [row["slug"] for row in api["results"]] == ["checked"]
    api = client.get(reverse("api:request-list"), {"review_state": "draft"}).json()
    assert [row["slug"] for row in api["results"]] == ["unchecked"]
    listed = client.get(reverse("tracker:request-list"), {"reviewed": "false"})
    assert [row.slug for row in listed.context["page"].object_list] == ["unchecked"]
    bad = client.get(reverse("api:request-list"), {"review_state": "approved"})
    assert bad.status_code == 400
    assert "review_state" in bad.json()


def test_the_admin_shows_the_second_reading_and_never_edits_it(
    client, aid_request, author, second_reader
):
    review(aid_request, second_reader)
    client.force_login(author)

    change = reverse("admin:requests_app_aidrequest_change", args=[aid_request.pk])
    html = client.get(change).content.decode()
    assert "Second reading" in html and "second-reader" in html
    assert 'name="review_state"' not in html
    assert 'href="/admin/review/"' in client.get(reverse("admin:index")).content.decode()
    changelist = reverse("admin:requests_app_aidrequest_changelist")
    reviewed = client.get(changelist, {"review_state__exact": "reviewed"})
    assert reviewed.context["cl"].result_count == 1
    drafts = client.get(changelist, {"review_state__exact": "draft"})
    assert drafts.context["cl"].result_count == 0


def test_the_api_records_a_second_reading_under_the_same_rules(
    client, authored, author, second_reader, make_user
):
    url = reverse("api:request-review", args=[authored.pk])
    answer = {"state": "reviewed", "version": authored.version}

    assert client.post(url, answer, content_type="application/json").status_code in (401, 403)
    client.force_login(make_user("reader"))
    assert client.post(url, answer, content_type="application/json").status_code == 403
    client.force_login(author)
    refused = client.post(url, answer, content_type="application/json")
    assert refused.status_code == 400
    assert "another curator" in str(refused.json())

    client.force_login(second_reader)
    stale = client.post(url, {**answer, "version": authored.version - 1}, "application/json")
    assert stale.status_code == 412
    unsaid = client.post(url, {"state": "questioned"}, content_type="application/json")
    assert unsaid.status_code == 400 and "review_note" in unsaid.json()
    done = client.post(url, answer, content_type="application/json")

    assert done.status_code == 200, done.content[:300]
    assert done.json()["review_state"] == "reviewed"
    saved = AidRequest.objects.get(pk=authored.pk)
    assert (saved.review_state, saved.reviewed_by) == ("reviewed", second_reader)


def test_a_changed_link_to_an_actor_returns_a_fact_to_draft(
    ukraine, south_korea, first_report, second_reader
):
    visit = services.record_save(
        record=Event(
            title="Delegation visits Seoul",
            summary="Ukraine's delegation visits Seoul.",
            kind=Event.Kind.MEETING,
            occurred_on=datetime.date(2024, 11, 27),
        ),
        related={"actors": [ukraine]},
        citations=first_report(None),
    )
    review(visit, second_reader)
    visit.refresh_from_db()

    services.record_save(record=visit, related={"actors": [ukraine]})
    assert Event.objects.get(pk=visit.pk).review_state == "reviewed"
    services.record_save(record=visit, related={"actors": [ukraine, south_korea]})
    assert Event.objects.get(pk=visit.pk).review_state == "draft"


def test_a_conflict_linked_to_an_answer_returns_that_answer_to_draft(
    aid_request, record_response, second_reader
):
    declined = record_response(aid_request, "declined", datetime.date(2024, 11, 28))
    denied = record_response(aid_request, "withdrawn", datetime.date(2024, 11, 29))
    review(denied, second_reader)

    services.response_save(response=declined, conflicts_with=[denied])

    denied.refresh_from_db()
    assert denied.review_state == "draft"


def test_a_copy_saved_plainly_keeps_a_question_asked_since(aid_request, second_reader):
    """In a shell or a script, save() alone writes what curators write, never the review."""
    stale = AidRequest.objects.get(pk=aid_request.pk)  # loaded before the question
    review(aid_request, second_reader, "questioned", "Which minister?")

    stale.title = "Cheongung, corrected"
    stale.save()

    saved = AidRequest.objects.get(pk=aid_request.pk)
    assert (saved.title, saved.review_state, saved.review_note) == (
        "Cheongung, corrected",
        "questioned",
        "Which minister?",
    )
    assert saved.version == stale.version == 3  # made, questioned, corrected
