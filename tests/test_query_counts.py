"""No page runs more queries as its rows grow."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app import services

NOV_28 = datetime.date(2024, 11, 28)


def add_requests(make_request, record_response, make_stance, count: int) -> None:
    stance = make_stance(f"stance-{count}")
    for number in range(count):
        aid_request = make_request(f"request-{count}-{number}")
        record_response(aid_request, "declined", NOV_28, stance=stance)


@pytest.mark.parametrize("url_name", ["tracker:home", "tracker:request-list"])
def test_list_pages_run_the_same_queries_for_few_or_many_rows(
    queries_for, make_request, record_response, make_stance, url_name
):
    add_requests(make_request, record_response, make_stance, 1)
    few = queries_for(reverse(url_name))

    add_requests(make_request, record_response, make_stance, 8)

    assert queries_for(reverse(url_name)) == few <= 10


@pytest.mark.parametrize("query", ["", "?as_of=2024-12-01"])
def test_request_detail_queries_do_not_grow_with_responses(
    queries_for, aid_request, record_response, article, cite, query
):
    cite(article, "declined the weapon sales", request=aid_request)
    response = record_response(aid_request, "under_consideration", datetime.date(2024, 6, 20))
    cite(article, "declined the weapon sales", response=response)
    few = queries_for(aid_request.get_absolute_url() + query)

    for day in range(1, 6):
        response = record_response(aid_request, "declined", datetime.date(2024, 11, day))
        cite(article, "declined the weapon sales", response=response)

    assert queries_for(aid_request.get_absolute_url() + query) == few


def test_request_detail_reads_its_request_unsorted(client, aid_request):
    """One row needs no order: building the sort over the joined tables' columns cost Django
    half a millisecond a page."""
    with CaptureQueriesContext(connection) as queries:
        client.get(aid_request.get_absolute_url())

    (read,) = [q["sql"] for q in queries if q["sql"].startswith('SELECT "requests_app_aidrequest"')]
    assert "ORDER BY" not in read


@pytest.fixture
def grow(make_request, record_response, make_stance, make_article, cite, make_actor, make_item):
    """Add `count` more of every kind of row: requests with responses, stances, citations."""
    rounds = iter(range(1000))

    def add(count: int) -> None:
        n = next(rounds)
        stance = make_stance(f"stance-{n}")
        article = make_article(f"article-{n}")
        item = make_item(f"item-{n}")
        for number in range(count):
            aid_request = make_request(f"request-{n}-{number}", item=item)
            response = record_response(aid_request, "declined", NOV_28, stance=stance)
            cite(article, "declined the weapon sales", request=aid_request)
            cite(article, "declined the weapon sales", response=response)
            cite(article, "declined the weapon sales", stance=make_stance(f"s-{n}-{number}"))
            make_actor(f"actor-{n}-{number}").aliases.create(name=f"Alias {n}-{number}")
            make_item(f"item-{n}-{number}").aliases.create(name=f"Item alias {n}-{number}")

    return add


@pytest.mark.parametrize(
    "url",
    [
        reverse("tracker:actor-list"),
        reverse("tracker:item-list"),
        reverse("tracker:stance-list"),
        reverse("tracker:source-list"),
        reverse("tracker:actor-detail", args=["ukraine"]),
        reverse("tracker:actor-detail", args=["south-korea"]),
        reverse("tracker:item-detail", args=["item-0"]),
        reverse("tracker:stance-detail", args=["stance-0"]),
        reverse("tracker:feed"),
        reverse("tracker:actor-feed", args=["south-korea"]),
    ],
)
def test_pages_run_the_same_queries_for_few_or_many_rows(queries_for, grow, url):
    grow(1)
    few = queries_for(url)

    grow(6)

    assert queries_for(url) == few


@pytest.mark.parametrize(
    "url",
    [
        reverse("tracker:request-list") + "?as_of=2024-12-01",
        reverse("tracker:request-list") + "?as_of=2024-12-01&status=declined&ordering=status",
        reverse("api:request-list") + "?as_of=2024-12-01",
    ],
)
def test_views_of_the_past_run_the_same_queries_for_few_or_many_rows(queries_for, grow, url):
    grow(1)
    few = queries_for(url)

    grow(6)

    assert queries_for(url) == few


def test_article_page_queries_do_not_grow_with_citations(
    queries_for, article, cite, make_request, record_response, make_stance
):
    def cite_facts(number: int) -> None:
        aid_request = make_request(f"cited-{number}")
        response = record_response(aid_request, "declined", NOV_28)
        cite(article, "declined the weapon sales", request=aid_request)
        cite(article, "Seoul declines Ukrainian request.", response=response)
        cite(article, "not weapons", stance=make_stance(f"cited-stance-{number}"))

    cite_facts(0)
    few = queries_for(article.get_absolute_url())

    for number in range(1, 6):
        cite_facts(number)

    assert queries_for(article.get_absolute_url()) == few


def test_the_deletion_list_runs_the_same_queries_for_few_or_many_tombstones(
    queries_for, make_request, article, cite
):
    def delete(count: int) -> None:
        for number in range(count):
            aid_request = make_request(f"doomed-{count}-{number}")
            cite(article, "declined the weapon sales", request=aid_request)
            services.record_delete(record=aid_request)

    delete(1)
    few = queries_for(reverse("api:deletion-list"))

    delete(6)

    assert queries_for(reverse("api:deletion-list")) == few
