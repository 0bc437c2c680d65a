"""A signed-in session ends after an idle period; each request moves its end on."""

import datetime

from django.contrib.sessions.models import Session
from django.utils import timezone


def test_a_session_lasts_an_idle_hour_from_the_last_request(admin_client, settings):
    assert settings.SESSION_COOKIE_AGE == 60 * 60

    response = admin_client.get("/admin/")

    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 3600
    session = Session.objects.get()
    remaining = session.expire_date - timezone.now()
    assert datetime.timedelta(minutes=59) < remaining <= datetime.timedelta(hours=1)


def test_an_idle_session_has_ended(admin_client):
    admin_client.get("/admin/")
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    response = admin_client.get("/admin/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
