"""A signed-in session ends after an idle period; each request moves its end on, writing the
session at most once a minute."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aidtracker.sessions import TOUCHED


def test_a_session_lasts_an_idle_hour_from_the_last_request(admin_client, settings):
    assert settings.SESSION_COOKIE_AGE == 60 * 60

    admin_client.get("/admin/")

    session = Session.objects.get()
    remaining = session.expire_date - timezone.now()
    assert datetime.timedelta(minutes=59) < remaining <= datetime.timedelta(hours=1)


def test_an_idle_session_has_ended(admin_client):
    admin_client.get("/admin/")
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    response = admin_client.get("/admin/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def session_writes(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return sum(
        1
        for query in queries
        if "django_session" in query["sql"] and query["sql"].startswith(("UPDATE", "INSERT"))
    )


@pytest.mark.django_db
def test_a_session_is_written_at_most_once_a_minute(admin_client):
    admin_client.get("/admin/")
    assert session_writes(admin_client, "/admin/") == 0
    # Nor is a new cookie sent.
    assert "sessionid" not in admin_client.get("/requests/").cookies

    # A minute later, the next request moves the end on.
    session = admin_client.session
    session[TOUCHED] -= 60
    session.save()
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=5))

    assert session_writes(admin_client, "/admin/") == 1
    remaining = Session.objects.get().expire_date - timezone.now()
    assert remaining > datetime.timedelta(minutes=59)


@pytest.mark.django_db
def test_an_anonymous_reader_gets_no_session(client):
    response = client.get("/requests/")

    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()
