"""Views pinned to a moment of the record (`recorded_at`): what the tracker said then, before
later corrections, read from the history tables, on every page, CSV and API read."""

import csv
import datetime
import io
from html import unescape

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
        "denial",
        body="The ministry said no such request was made.",
        title="Denial",
        published_on=datetime.date(2024, 11, 29),
    )
    cite(
        denial, "no such request was made", request=aid_request, relation=Citation.Relation.DISPUTES
    )
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


def test_the_request_page_at_each_moment_shows_that_moments_title_status_and_dispute(client, edits):
    pk, moments = edits
    url = reverse("tracker:request-detail", args=[pk])
    corrected = client.get(url, {"recorded_at": at(moments["corrected"])})
    disputed = client.get(url, {"recorded_at": at(moments["disputed"])})

    assert corrected.context["aid_request"].title == "Cheongung and radars, to buy"
    assert corrected.context["aid_request"].status == "pending"
    assert not corrected.context["aid_request"].is_disputed
    assert disputed.context["aid_request"].status == "declined"
    assert disputed.context["aid_request"].is_disputed
    html = disputed.content.decode()
    assert "an earlier state of the record" in html
    assert f'href="{url}"' in html  # the current record
    assert client.get(url, {"recorded_at": at(moments["deleted"])}).status_code == 404


def test_a_detail_before_its_record_existed_answers_404_saying_when_it_was_first_recorded(
    client, api, edits
):
    pk, moments = edits
    before = moments["created"] - datetime.timedelta(days=1)
    first = AidRequest.history.filter(id=pk).earliest("history_date").history_date

    page = client.get(reverse("tracker:request-detail", args=[pk]), {"recorded_at": at(before)})
    answer = api.get(reverse("api:request-detail", args=[pk]), {"recorded_at": at(before)})

    assert page.status_code == 404
    assert "first recorded on" in page.content.decode()
    assert answer.status_code == 404
    assert answer.json()["first_recorded_at"] == first.isoformat()
    assert "recorded_at" in answer.json()["detail"]


def test_a_list_before_its_first_record_is_empty(client, api, edits):
    _, moments = edits
    before = at(moments["created"] - datetime.timedelta(days=1))

    assert api_list(api, recorded_at=before) == []
    assert (
        list(client.get(reverse("tracker:request-list"), {"recorded_at": before}).context["page"])
        == []
    )


@pytest.mark.parametrize(
    "value", ["yesterday", "2024-13-01", "2024-12-01T25:00", "2024-12-01T09:00+99:00", "9" * 50]
)
@pytest.mark.parametrize(
    "url_name", ["api:request-list", "tracker:request-list", "tracker:request-export"]
)
def test_a_bad_moment_answers_400_naming_recorded_at(client, db, value, url_name):
    answer = client.get(reverse(url_name), {"recorded_at": value})

    assert answer.status_code == 400
    assert "recorded_at" in answer.content.decode()


def test_a_bare_date_is_the_end_of_that_day_in_utc_and_no_offset_is_utc(api, edits):
    _, moments = edits
    day = moments["created"].date()
    assert [
        row["id"] for row in api_list(api, recorded_at=day.isoformat())
    ] == []  # deleted by then
    assert api_list(api, recorded_at=(day - datetime.timedelta(days=1)).isoformat()) == []
    naive = moments["corrected"].replace(tzinfo=None).isoformat()
    assert [row["title"] for row in api_list(api, recorded_at=naive)] == [
        "Cheongung and radars, to buy"
    ]
    shifted = moments["corrected"].astimezone(datetime.timezone(datetime.timedelta(hours=9)))
    assert [row["title"] for row in api_list(api, recorded_at=shifted.isoformat())] == [
        "Cheongung and radars, to buy"
    ]


def test_the_csv_at_a_moment_has_that_moments_rows(client, edits):
    _, moments = edits
    download = client.get(
        reverse("tracker:request-export"), {"recorded_at": at(moments["answered"])}
    )

    assert download.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert [(row["title"], row["status"]) for row in rows] == [
        ("Cheongung and radars, to buy", "declined")
    ]


def test_recorded_at_combines_with_as_of(api, edits):
    _, moments = edits
    # The answer is dated 28 November 2024 and cited by the wire report of 1 January 2024.
    rows = api_list(api, recorded_at=at(moments["answered"]), as_of="2024-06-01")
    none_yet = api_list(api, recorded_at=at(moments["created"]), as_of="2023-06-01")

    assert [row["status"] for row in rows] == ["declined"]
    assert none_yet == []


def pinned_queries(client, url: str, moment) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, {"recorded_at": at(moment)}).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        reverse("api:request-list"),
        reverse("tracker:request-list"),
        reverse("tracker:request-export"),
    ],
)
def test_a_pinned_list_runs_as_many_queries_however_long_the_history(
    client, make_request, record_response, url
):
    first = make_request("first")
    record_response(first, "declined", datetime.date(2024, 11, 28))
    few = pinned_queries(client, url, timezone.now())
    for number in range(4):
        record_response(make_request(f"more-{number}"), "declined", datetime.date(2024, 11, 28))
        first.summary = f"Corrected {number} times."
        services.record_save(record=first)

    assert pinned_queries(client, url, timezone.now()) == few


# The history tables, which grow with every edit: a pinned read looks each row up by its index.
def unbounded_history_reads(plan: dict) -> list[str]:
    found = []
    if plan.get("Relation Name", "").startswith("requests_app_historical") and not (
        {"Index Cond", "Recheck Cond"} & set(plan)
    ):
        found.append(f"{plan['Node Type']} on {plan['Relation Name']}")
    for child in plan.get("Plans", []):
        found += unbounded_history_reads(child)
    return found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_postgresql_reads_a_pinned_detail_from_the_history_indexes(api, edits):
    import json

    from requests_app.recorded import pinned

    pk, moments = edits
    url = reverse("api:request-detail", args=[pk])
    with CaptureQueriesContext(connection) as captured:
        assert api.get(url, {"recorded_at": at(moments["disputed"])}).status_code == 200
    problems = {}
    with pinned(moments["disputed"]), connection.cursor() as cursor:
        # Tables this small are cheaper to scan whole: ask for the plans large ones get.
        for method in ("seqscan", "hashjoin", "mergejoin"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        selects = [q["sql"] for q in captured if q["sql"].startswith("SELECT")]
        assert selects
        for sql in selects:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            (plan,) = cursor.fetchone()
            plan = plan if isinstance(plan, list) else json.loads(plan)
            if reads := unbounded_history_reads(plan[0]["Plan"]):
                problems[sql[:120]] = reads
    assert problems == {}, json.dumps(problems, indent=1)


def test_a_pinned_read_never_runs_a_statement_prepared_on_the_current_tables(make_request):
    """psycopg prepares repeated statements (settings.py), and PostgreSQL re-parses none for a
    new object of the same name earlier in the search path, as a temporary view is; it does
    re-plan every statement when a type is made, and each view makes its row type."""
    from requests_app.recorded import pinned

    aid_request = make_request(title="Cheongung, to buy")
    moment = timezone.now()
    aid_request.title = "Cheongung and radars, to buy"
    services.record_save(record=aid_request)
    titles = AidRequest.objects.filter(pk=aid_request.pk).values_list("title", flat=True)
    with pinned(moment):  # the session's first: PostgreSQL then makes its temporary schema
        assert list(titles.all()) == ["Cheongung, to buy"]
    for _ in range(7):  # prepared on PostgreSQL from the sixth time (settings.py)
        assert list(titles.all()) == ["Cheongung and radars, to buy"]

    with pinned(moment):
        then = list(titles.all())

    assert then == ["Cheongung, to buy"]
    assert list(titles.all()) == ["Cheongung and radars, to buy"]


def test_a_pinned_page_lists_what_changed_since_in_the_records_it_shows(client, make_request):
    aid_request = make_request(title="Cheongung, to buy")
    moment = timezone.now()
    aid_request.title = "Cheongung and radars, to buy"
    services.record_save(record=aid_request)

    page = client.get(aid_request.get_absolute_url(), {"recorded_at": at(moment)})

    html = page.content.decode()
    assert "<h1>Cheongung, to buy</h1>" in html
    changed = html[html.index('id="changed-since"') :]
    assert "Cheongung, to buy</del> → <ins>Cheongung and radars, to buy</ins>" in changed


def test_a_corrected_fact_says_when_and_what_on_its_page_and_in_the_feed(client, make_request):
    aid_request = make_request(title="Cheongung, to buy")
    assert "Corrected on" not in client.get(aid_request.get_absolute_url()).content.decode()
    aid_request.title = "Cheongung and radars, to buy"
    services.record_save(record=aid_request)
    today = timezone.now()

    html = client.get(aid_request.get_absolute_url()).content.decode()
    feed = client.get(reverse("tracker:request-feed", args=[aid_request.pk])).content.decode()

    assert f"Corrected on {today:%-d %B %Y}" in html
    assert "<del>Cheongung, to buy</del> → <ins>Cheongung and radars, to buy</ins>" in html
    assert (
        f"Corrected on {today:%-d %B %Y}: Title: Cheongung, to buy → Cheongung and radars" in feed
    )


def test_every_read_carries_its_permalink_pinned_to_now_with_its_filters(client, api, aid_request):
    page = client.get(reverse("tracker:request-list"), {"status": "pending"})
    answer = api.get(reverse("api:request-list"), {"status": "pending"})

    for response in (page, answer):
        link = response["Link"]
        assert 'rel="cite-as"' in link
        permalink = link.split(">", 1)[0].lstrip("<")
        assert "status=pending" in permalink
        assert "recorded_at=" in permalink
    pinned = api.get(answer["Link"].split(">", 1)[0].lstrip("<"))
    assert [row["id"] for row in pinned.json()["results"]] == [aid_request.pk]
    html = unescape(page.content.decode())
    assert "Cite this view" in html and "@misc{aidtracker" in html and '"type": "dataset"' in html


def test_the_citations_of_a_view_name_it_its_moment_and_the_access_date(client, db):
    answer = client.get(
        reverse("tracker:cite"), {"view": "/requests/?status=declined&recorded_at=2024-12-01"}
    )

    assert answer.status_code == 200
    cited = answer.json()
    assert cited["permalink"].endswith(
        "/requests/?status=declined&recorded_at=2024-12-01T23%3A59%3A59Z"
    )
    assert "aidtracker: /requests/ (status: declined)" in cited["apa"]
    assert f"Retrieved {timezone.localdate():%B %-d, %Y}" in cited["apa"]
    assert "As recorded at 2024-12-01 23:59:59 UTC" in cited["bibtex"]
    assert cited["csl"][0]["URL"] == cited["permalink"]
    assert client.get(reverse("tracker:cite"), {"view": "/nowhere/"}).status_code == 400


def test_a_pinned_api_read_of_the_past_stays_cached_across_writes(api, make_request, settings):
    aid_request = make_request()
    past = at(timezone.now() - datetime.timedelta(minutes=5))
    url = reverse("api:request-detail", args=[aid_request.pk])
    first = api.get(reverse("api:request-list"), {"recorded_at": past})
    make_request("another")

    again = api.get(reverse("api:request-list"), {"recorded_at": past})
    current = api.get(url)

    assert again["ETag"] == first["ETag"]
    assert again["X-Cache"] == "hit"
    assert current.status_code == 200


def test_a_pinned_lists_filters_keep_its_moment(client, aid_request):
    moment = timezone.now()
    page = client.get(reverse("tracker:request-list"), {"recorded_at": at(moment)})

    assert f'name="recorded_at" value="{moment.isoformat()}"' in page.content.decode()
