"""No page runs more queries as its rows grow."""

import datetime

import pytest
from django.urls import reverse

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

    assert queries_for(reverse(url_name)) == few <= 4


def test_request_detail_queries_do_not_grow_with_responses(
    queries_for, aid_request, record_response, article, cite
):
    response = record_response(aid_request, "under_consideration", datetime.date(2024, 6, 20))
    cite(article, "declined the weapon sales", response=response)
    few = queries_for(aid_request.get_absolute_url())

    for day in range(1, 6):
        response = record_response(aid_request, "declined", datetime.date(2024, 11, day))
        cite(article, "declined the weapon sales", response=response)

    assert queries_for(aid_request.get_absolute_url()) == few
