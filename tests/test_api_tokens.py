"""API tokens (django-rest-knox): shown once, kept only as a hash, and expiring."""

import datetime

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
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


def test_a_request_reads_only_the_token_it_sends(api, issue_token, curator):
    """knox read every token of the account on each request, to delete the expired ones."""
    for _ in range(20):
        AuthToken.objects.create(user=curator)
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue_token()}")

    with CaptureQueriesContext(connection) as queries:
        response = api.get(reverse("api:actor-list"))

    assert response.status_code == 200
    token_reads = [q["sql"] for q in queries if 'FROM "knox_authtoken"' in q["sql"]]
    assert len(token_reads) == 1
    assert "token_key" in token_reads[0]


def test_a_new_token_deletes_the_accounts_expired_ones(issue_token, curator, make_user):
    expired, _ = AuthToken.objects.create(user=curator)
    valid, _ = AuthToken.objects.create(user=curator)
    someone_elses, _ = AuthToken.objects.create(user=make_user("ana"))
    AuthToken.objects.filter(pk__in=[expired.pk, someone_elses.pk]).update(
        expiry=timezone.now() - datetime.timedelta(days=1)
    )

    issue_token()

    assert not AuthToken.objects.filter(pk=expired.pk).exists()
    assert AuthToken.objects.filter(pk__in=[valid.pk, someone_elses.pk]).count() == 2
    assert AuthToken.objects.filter(user=curator).count() == 2


def test_the_schema_says_how_to_send_a_token(api):
    schema = yaml.safe_load(api.get(reverse("api:schema")).content)

    token = schema["components"]["securitySchemes"]["knoxApiToken"]
    assert (token["type"], token["in"], token["name"]) == ("apiKey", "header", "Authorization")
    assert 'prefix "Token"' in token["description"]
    writes = schema["paths"]["/api/v1/actors/"]["post"]["security"]
    assert {"knoxApiToken": []} in writes
