"""A request's status follows its latest decisive response, recorded through the service."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from requests_app import services
from requests_app.models import AidRequest, AidResponse

NOV_27 = datetime.date(2024, 11, 27)
NOV_28 = datetime.date(2024, 11, 28)
JUNE_20 = datetime.date(2024, 6, 20)


def test_request_without_responses_is_pending(aid_request):
    aid_request.refresh_from_db()
    assert aid_request.status == AidRequest.Status.PENDING
    assert aid_request.latest_response is None
    assert aid_request.current_stance is None


def test_recording_a_response_sets_status_and_stance(aid_request, record_response, make_stance):
    stance = make_stance()
    response = record_response(aid_request, AidResponse.Decision.DECLINED, NOV_28, stance=stance)

    aid_request.refresh_from_db()
    assert aid_request.status == AidRequest.Status.DECLINED
    assert aid_request.latest_response == response
    assert aid_request.current_stance == stance


def test_latest_response_by_date_wins_whatever_the_order_recorded(aid_request, record_response):
    record_response(aid_request, AidResponse.Decision.DECLINED, NOV_28)
    record_response(aid_request, AidResponse.Decision.UNDER_CONSIDERATION, JUNE_20)

    aid_request.refresh_from_db()
    assert aid_request.status == AidRequest.Status.DECLINED


def test_no_comment_keeps_the_previous_status(aid_request, record_response):
    record_response(aid_request, AidResponse.Decision.UNDER_CONSIDERATION, JUNE_20)
    record_response(aid_request, AidResponse.Decision.NO_COMMENT, NOV_27)

    aid_request.refresh_from_db()
    assert aid_request.status == AidRequest.Status.UNDER_CONSIDERATION


def test_changing_a_response_updates_the_status(aid_request, record_response):
    response = record_response(aid_request, AidResponse.Decision.UNDER_CONSIDERATION, NOV_28)

    response.decision = AidResponse.Decision.FULFILLED
    services.response_save(response=response)

    aid_request.refresh_from_db()
    assert aid_request.status == AidRequest.Status.FULFILLED


def test_deleting_the_latest_response_falls_back_to_the_one_before(aid_request, record_response):
    earlier = record_response(aid_request, AidResponse.Decision.UNDER_CONSIDERATION, JUNE_20)
    latest = record_response(aid_request, AidResponse.Decision.DECLINED, NOV_28)

    services.response_delete(response=latest)
    aid_request.refresh_from_db()
    assert aid_request.status == AidRequest.Status.UNDER_CONSIDERATION
    assert aid_request.latest_response == earlier

    services.response_delete(response=earlier)
    aid_request.refresh_from_db()
    assert aid_request.status == AidRequest.Status.PENDING
    assert aid_request.latest_response is None


def test_moving_a_response_updates_both_requests(make_request, record_response):
    first, second = make_request("first"), make_request("second")
    response = record_response(first, AidResponse.Decision.DECLINED, NOV_28)

    response.request = second
    services.response_save(response=response)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == AidRequest.Status.PENDING
    assert second.status == AidRequest.Status.DECLINED


def test_invalid_response_is_refused_and_changes_nothing(aid_request, record_response):
    with pytest.raises(ValidationError, match="1st of the month"):
        record_response(
            aid_request,
            AidResponse.Decision.DECLINED,
            NOV_28,
            responded_on_precision="month",
        )

    aid_request.refresh_from_db()
    assert aid_request.status == AidRequest.Status.PENDING
    assert not AidResponse.objects.exists()
