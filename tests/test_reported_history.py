"""Stored facts instead of read-time recomputation: the day each fact was first reported (kept
by the database) and each request's status over time (kept by the requests service), so that
`as_of` and its status filter are index lookups, right after a write by any path."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from requests_app import services
from requests_app.models import AidRequest, AidResponse, Citation, SourceArticle, StatusSpan
from requests_app.past import restate

JAN, MAR, JUN, SEP = (datetime.date(2024, month, 1) for month in (1, 3, 6, 9))
BODY = "Officials confirmed the report. Seoul declined the request."


@pytest.fixture
def articles(make_article):
    return {
        day: make_article(f"report-{day:%m}", body=BODY, published_on=day)
        for day in (MAR, JUN, SEP)
    }


@pytest.fixture
def reported(make_request, articles):
    """A request first reported in March (cited in June too)."""
    quote = "Officials confirmed the report."
    return make_request(
        citations=[
            Citation(source=articles[MAR], quote=quote),
            Citation(source=articles[JUN], quote=quote),
        ]
    )


def first_reported(record) -> datetime.date | None:
    return type(record).objects.values_list("first_reported_on", flat=True).get(pk=record.pk)


def history(aid_request) -> list[tuple]:
    return list(
        StatusSpan.objects.filter(request=aid_request).values_list(
            "status", "known_from", "known_until"
        )
    )


def test_a_fact_is_first_reported_by_its_earliest_article(reported, articles):
    assert first_reported(reported) == MAR

    services.citation_delete(citation=reported.citations.get(source=articles[MAR]))
    assert first_reported(reported) == JUN


def test_the_first_report_follows_writes_that_skip_the_services(reported, articles):
    SourceArticle.objects.filter(pk=articles[MAR].pk).update(published_on=SEP)
    assert first_reported(reported) == JUN

    Citation.objects.bulk_create(
        [Citation(source=articles[SEP], request=reported, quote="Officials confirmed the report.")]
    )
    SourceArticle.objects.filter(pk=articles[SEP].pk).update(published_on=JAN)
    assert first_reported(reported) == JAN


def test_a_request_history_follows_its_answers_and_their_reports(
    reported, articles, record_response
):
    assert history(reported) == [("pending", MAR, None)]

    declined = Citation(source=articles[SEP], quote="Seoul declined the request.")
    response = record_response(reported, AidResponse.Decision.DECLINED, JUN, citations=[declined])
    assert history(reported) == [("pending", MAR, SEP), ("declined", SEP, None)]

    # An earlier report of the same answer moves the change earlier.
    services.record_save(
        record=Citation(
            source=articles[JUN], response=response, quote="Seoul declined the request."
        )
    )
    assert history(reported) == [("pending", MAR, JUN), ("declined", JUN, None)]

    # So does a correction of the article's date, made in the admin or the API.
    article = SourceArticle.objects.get(pk=articles[JUN].pk)
    article.published_on = datetime.date(2024, 5, 1)  # May
    services.record_save(record=article)
    may = datetime.date(2024, 5, 1)
    assert history(reported) == [("pending", MAR, may), ("declined", may, None)]

    services.response_delete(response=response)
    assert history(reported) == [("pending", MAR, None)]


def test_the_stored_history_gives_what_the_answers_known_then_give(
    client, make_request, articles, record_response
):
    """Day by day, the status filter and ordering agree with restating the loaded rows."""
    requests = [make_request(slug=f"request-{n}") for n in range(4)]
    decisions = [AidResponse.Decision.DECLINED, AidResponse.Decision.UNDER_CONSIDERATION]
    for n, aid_request in enumerate(requests[:3]):
        for m, decision in enumerate(decisions[: n + 1]):
            article = articles[[MAR, JUN, SEP][(n + m) % 3]]
            cited = [Citation(source=article, quote="Seoul declined the request.")]
            record_response(
                aid_request, decision, MAR + datetime.timedelta(days=m), citations=cited
            )
    url = reverse("api:request-list")
    for day in [JAN, MAR, datetime.date(2024, 4, 1), JUN, SEP, datetime.date(2025, 1, 1)]:
        rows = restate(list(AidRequest.objects.known_on(day)), day)
        for status in AidRequest.Status:
            expected = sorted(row.pk for row in rows if row.status == status)
            params = {"as_of": day.isoformat(), "status": status.value, "page_size": 100}
            body = client.get(url, params)
            found = sorted(row["id"] for row in body.json()["results"])
            assert found == expected, (day, status)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_as_of_and_its_status_filter_are_index_lookups(reported):
    from requests_app.filters import AidRequestFilter

    def plan(params):
        queryset = AidRequestFilter(params, queryset=AidRequest.objects.all()).qs
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            return queryset.explain()

    known = plan({"as_of": "2024-06-01"})
    assert "first_reported_on" in known
    assert "requests_app_citation" not in known
    # With a status, the history alone says which requests had it (and were known) that day.
    with_status = plan({"as_of": "2024-06-01", "status": "pending"})
    assert "Index Only Scan using statusspan_status_on" in with_status
    assert "first_reported_on" not in with_status
    assert "requests_app_citation" not in with_status


def test_a_save_from_a_stale_or_restored_instance_keeps_the_first_report(reported):
    """A restore or fixture saves whole rows from instances that never held the value."""
    stale = AidRequest.objects.get(pk=reported.pk)
    stale.first_reported_on = None
    stale.save()

    assert first_reported(reported) == MAR
