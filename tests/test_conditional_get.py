"""Conditional GET: a repeated poll of a page, the API or a feed answers 304 until something
changes; a cached answer leaves with every header a fresh one gets."""

import datetime
import time
from email.utils import format_datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from aidtracker import cache
from requests_app.models import AidResponse, DataVersion

NOV_28 = datetime.date(2024, 11, 28)


@pytest.fixture
def urls(aid_request):
    return [
        reverse("tracker:feed"),
        reverse("tracker:request-list"),
        reverse("tracker:request-detail", args=[aid_request.pk]),
        reverse("api:request-list"),
        reverse("api:request-detail", args=[aid_request.pk]),
    ]


def test_a_repeated_poll_answers_304_without_running_the_view(client, urls):
    for url in urls:
        first = client.get(url)
        with CaptureQueriesContext(connection) as queries:
            again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

        assert first.status_code == 200 and first["ETag"], url
        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == first["ETag"]
        assert len(queries) == 1  # the data version


def test_a_write_makes_the_old_tag_stale(client, aid_request, record_response):
    url = reverse("api:request-detail", args=[aid_request.pk])
    tag = client.get(url)["ETag"]

    record_response(aid_request, AidResponse.Decision.DECLINED, NOV_28)

    response = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    assert response["ETag"] != tag


def later_than_the_last_write(monkeypatch, seconds: float) -> datetime.datetime:
    """Make the middleware's clock read `seconds` after the last write; the write's time."""
    written = DataVersion.objects.state()[1]
    monkeypatch.setattr(
        cache.timezone, "now", lambda: written + datetime.timedelta(seconds=seconds)
    )
    return written


def test_if_modified_since_answers_304_until_the_next_write(
    client, aid_request, record_response, monkeypatch
):
    url = reverse("tracker:feed")
    later_than_the_last_write(monkeypatch, 1.5)
    last_modified = client.get(url)["Last-Modified"]

    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304

    record_response(aid_request, AidResponse.Decision.DECLINED, NOV_28)
    # The second resolution of HTTP dates: a write in the same second looks unchanged by
    # date alone, which is why the ETag is checked first.
    stale = "Mon, 01 Jan 2024 00:00:00 GMT"
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=stale).status_code == 200


def test_no_date_is_given_in_the_second_of_the_last_write(client, aid_request, monkeypatch):
    """A second write in that second would keep the date: a reader holding it would be told
    its copy is current until the write after."""
    url = reverse("api:request-list")
    written = later_than_the_last_write(monkeypatch, 0)
    in_its_second = written.replace(microsecond=999_999)
    monkeypatch.setattr(cache.timezone, "now", lambda: in_its_second)
    date = format_datetime(written.replace(microsecond=0), usegmt=True)

    response = client.get(url, HTTP_IF_MODIFIED_SINCE=date)

    assert response.status_code == 200
    assert not response.has_header("Last-Modified")
    later_than_the_last_write(monkeypatch, 1)
    assert client.get(url)["Last-Modified"] == date
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=date).status_code == 304


def test_each_write_is_dated_later_than_the_last(aid_request, record_response):
    """In the writer's transaction, at the time of the write: PostgreSQL's CURRENT_TIMESTAMP
    is when the transaction began, and a page's date went back after a long transaction."""
    before = DataVersion.objects.state()[1]
    time.sleep(0.01)
    record_response(aid_request, AidResponse.Decision.DECLINED, NOV_28)

    assert DataVersion.objects.state()[1] > before


@pytest.mark.parametrize(
    "url, status",
    [
        ("/requests/999999/", 404),
        ("/api/v1/requests/999999/", 404),
        ("/api/v1/requests/?status=nonsense", 400),
        ("/requests/?as_of=notaday", 400),
    ],
)
def test_a_date_gets_304_only_where_the_answer_would_be_200(client, aid_request, url, status):
    someday = "Fri, 01 Jan 2100 00:00:00 GMT"

    assert client.get(url, HTTP_IF_MODIFIED_SINCE=someday).status_code == status


def test_a_revoked_token_gets_401_whatever_it_sends(api, curator, token_for, aid_request):
    token = token_for(curator)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    url = reverse("api:request-list")
    first = api.get(url)
    assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    AuthToken.objects.filter(user=curator).delete()

    assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 401
    assert api.get(url, HTTP_IF_MODIFIED_SINCE="Fri, 01 Jan 2100 00:00:00 GMT").status_code == 401


def test_a_tag_from_another_day_is_stale(client, aid_request, monkeypatch):
    """Pages say "for 16 months" and "in force now": the day is part of the tag."""
    url = reverse("tracker:request-detail", args=[aid_request.pk])
    tag = client.get(url)["ETag"]
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    monkeypatch.setattr(cache.timezone, "now", lambda: tomorrow)

    response = client.get(url, HTTP_IF_NONE_MATCH=tag)

    assert response.status_code == 200
    assert response["X-Cache"] == "miss"


def test_signed_in_readers_get_304_on_their_own_tags(client, admin_user, aid_request):
    url = reverse("tracker:request-list")
    anonymous_tag = client.get(url)["ETag"]
    client.force_login(admin_user)
    tag = client.get(url)["ETag"]

    assert tag != anonymous_tag
    assert client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH=anonymous_tag).status_code == 200


def test_head_gives_the_tag_of_get_and_a_get_that_sends_it_back_answers_304(client, urls):
    """A poller may ask HEAD for the tag, then GET with it: one answer, one tag."""
    for url in urls:
        head = client.head(url)

        assert (head.status_code, head.content) == (200, b""), url
        assert head["ETag"] == client.get(url)["ETag"], url
        assert client.get(url, HTTP_IF_NONE_MATCH=head["ETag"]).status_code == 304, url


def test_a_cached_answer_carries_every_header_of_a_fresh_one(client, urls, monkeypatch):
    later_than_the_last_write(monkeypatch, 1.5)  # both dated: none in the second of a write
    for url in urls:
        fresh, cached = client.get(url), client.get(url)

        assert (fresh["X-Cache"], cached["X-Cache"]) == ("miss", "hit"), url
        assert set(fresh.headers) == set(cached.headers), url
        for header in (
            "X-Frame-Options",
            "Content-Security-Policy",
            "Content-Length",
            "ETag",
            "Last-Modified",
        ):
            assert cached[header] == fresh[header], (url, header)


def test_unknown_parameters_neither_skip_the_cache_nor_reach_the_links(client, make_request):
    for number in range(30):  # more than a page: the answer links to the next one
        make_request(slug=f"request-{number}")
    url = reverse("api:request-list")
    client.get(url)

    response = client.get(url, {"utm_source": "newsletter", "x": "1"})

    assert response["X-Cache"] == "hit"
    assert "utm_source" not in response.json()["next"]


def test_a_cookie_that_is_no_session_does_not_skip_the_cache(client, aid_request):
    url = reverse("tracker:request-list")
    client.get(url)
    client.cookies["sessionid"] = "not-a-session"

    assert client.get(url)["X-Cache"] == "hit"


def test_a_detail_tag_can_be_sent_back_as_if_match(api, curator, token_for, aid_request):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(curator)}")
    url = reverse("api:request-detail", args=[aid_request.pk])
    tag = api.get(url)["ETag"]

    assert api.patch(url, {"title": "Fresh"}, format="json", HTTP_IF_MATCH=tag).status_code == 200
    assert api.patch(url, {"title": "Stale"}, format="json", HTTP_IF_MATCH=tag).status_code == 412
