"""API tokens (django-rest-knox): shown once, kept only as a hash, and expiring."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from requests_app.models import Actor

JAPAN = {"slug": "japan", "name": "Japan", "kind": "country", "country": "JP"}


@pytest.fixture
def issue_token(curator, capsys):
    """Run `manage.py api_token curator`; the key it prints."""

    def issue() -> str:
        call_command("api_token", "curator")
        return capsys.readouterr().out.strip()

    return issue


def test_a_token_from_the_command_writes_with_the_token_header(api, issue_token):
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue_token()}")

    response = api.post(reverse("api:actor-list"), JAPAN, format="json")

    assert response.status_code == 201, response.content
    assert Actor.objects.filter(slug="japan").exists()


def test_the_database_keeps_only_a_hash_of_the_token(issue_token):
    key = issue_token()

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {AuthToken._meta.db_table}")
        stored = [str(value) for row in cursor.fetchall() for value in row]
    assert stored
    assert not any(key in value for value in stored)


def test_tokens_expire_after_api_token_days(api, issue_token):
    with override_settings(
        REST_KNOX={"AUTH_HEADER_PREFIX": "Token", "TOKEN_TTL": datetime.timedelta(days=7)}
    ):
        key = issue_token()
    token = AuthToken.objects.get()
    assert abs(token.expiry - (timezone.now() + datetime.timedelta(days=7))) < datetime.timedelta(
        minutes=1
    )

    token.expiry = timezone.now() - datetime.timedelta(seconds=1)
    token.save(update_fields=["expiry"])
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = api.post(reverse("api:actor-list"), JAPAN, format="json")

    assert response.status_code == 401
    assert not Actor.objects.filter(slug="japan").exists()
    assert not AuthToken.objects.exists()


def test_an_unknown_or_inactive_account_gets_no_token(make_user):
    make_user("former", is_active=False)

    with pytest.raises(CommandError, match="no account named “nobody”"):
        call_command("api_token", "nobody")
    with pytest.raises(CommandError, match="“former” is inactive"):
        call_command("api_token", "former")
    assert not AuthToken.objects.exists()
