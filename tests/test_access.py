"""Who may do what: throttled reads, rate-limited logins, refused writes, no secrets."""

import re
import subprocess

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from requests_app.models import AidRequest


@pytest.fixture
def three_reads_a_minute(monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {"anon": "3/minute", "user": "5/minute", "pages": None, "csv": None},
    )


def test_api_reads_are_throttled_per_client_cached_or_not(client, db, three_reads_a_minute):
    url = reverse("api:request-list")
    statuses = [client.get(url).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]  # a miss, then two hits from the page cache

    refused = client.get(url)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"]
    other_client = client.get(url, REMOTE_ADDR="192.0.2.7")
    assert other_client.status_code == 200


def test_a_forged_forwarded_for_does_not_change_the_throttled_client(
    client, db, three_reads_a_minute
):
    url = reverse("api:request-list")
    statuses = [
        client.get(url, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]


def behind_one_proxy():
    return override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": 1})


def test_behind_num_proxies_each_forwarded_client_has_its_own_limit(
    client, db, three_reads_a_minute
):
    url = reverse("api:request-list")
    with behind_one_proxy():
        first = [client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code for _ in "1234"]
        second = client.get(url, HTTP_X_FORWARDED_FOR="forged, 198.51.100.2")
    assert first == [200, 200, 200, 429]
    assert second.status_code == 200


def test_signed_in_clients_have_their_own_limit(api, curator, token_for, three_reads_a_minute):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(curator)}")
    statuses = [api.get(reverse("api:request-list")).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_the_documented_limit_is_the_configured_one():
    documented = (settings.BASE_DIR / "docs" / "reliability.md").read_text()
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"] == "300/minute"
    assert "300 requests a minute" in documented
    assert AnonRateThrottle.scope == "anon"


def test_repeated_failed_logins_lock_the_account_out_from_that_address(client, admin_user):
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(url, {"username": "admin", "password": "wrong"}).status_code == 200
    assert client.post(url, {"username": "admin", "password": "wrong"}).status_code == 429

    locked = client.post(url, {"username": "admin", "password": "password"})

    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "Axes › Access attempts" in locked.content.decode()  # how to get unlocked
    elsewhere = client.post(
        url, {"username": "admin", "password": "password"}, REMOTE_ADDR="192.0.2.7"
    )
    assert elsewhere.status_code == 302  # the right password, from another address


def test_the_login_lockout_uses_the_same_client_address_as_the_api(client, admin_user):
    url = reverse("admin:login")
    wrong = {"username": "admin", "password": "wrong"}
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, wrong, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    forged = client.post(
        url, {"username": "admin", "password": "password"}, HTTP_X_FORWARDED_FOR="198.51.100.99"
    )
    assert forged.status_code == 429  # the header is ignored: one address, locked out

    with behind_one_proxy():
        proxied = {"REMOTE_ADDR": "10.0.0.1"}
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(url, wrong, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxied)
        other = client.post(
            url,
            {"username": "admin", "password": "password"},
            HTTP_X_FORWARDED_FOR="198.51.100.2",
            **proxied,
        )
    assert other.status_code == 302  # another client behind the same proxy is not locked out


def lock_out(client, username: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("admin:login"), {"username": username, "password": "wrong"})


def staff_in(group: str) -> User:
    call_command("setup_roles", verbosity=0)
    user = User.objects.create_user(group, password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_editors_unlock_a_locked_out_login_in_the_admin(client, admin_user):
    lock_out(client, "admin")
    editor = Client()
    editor.force_login(staff_in("editor"))
    attempt = AccessAttempt.objects.get(username="admin")

    listed = editor.get(reverse("admin:axes_accessattempt_changelist"))
    deleted = editor.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )

    assert listed.status_code == 200 and "admin" in listed.content.decode()
    assert deleted.status_code == 302
    login = {"username": "admin", "password": "password"}
    assert client.post(reverse("admin:login"), login).status_code == 302


def test_curators_cannot_unlock_logins(client, admin_user):
    lock_out(client, "admin")
    curator = Client()
    curator.force_login(staff_in("curator"))
    attempt = AccessAttempt.objects.get(username="admin")

    response = curator.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_anonymous_writes_are_refused_on_every_endpoint(api, aid_request, method):
    for url in [
        reverse("api:request-list"),
        reverse("api:request-detail", args=[aid_request.pk]),
        reverse("api:actor-detail", args=["ukraine"]),
    ]:
        response = getattr(api, method)(url, {}, format="json")
        assert response.status_code in (401, 405), (method, url)
    assert AidRequest.objects.filter(pk=aid_request.pk).exists()


def test_no_secret_is_committed():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    ).stdout.split()
    suspicious = re.compile(
        r"(?i)(secret_key|password|token)\s*[:=]\s*['\"](?!django-insecure)[A-Za-z0-9+/_\-]{24,}['\"]"
        r"|-----BEGIN [A-Z ]*PRIVATE KEY-----|AKIA[0-9A-Z]{16}"
    )
    found = []
    for name in tracked:
        path = settings.BASE_DIR / name
        if path.suffix in {".py", ".toml", ".yml", ".yaml", ".json", ".md", ".cfg", ".ini", ".sh"}:
            found += [name for line in path.read_text(errors="ignore").splitlines()
                      if suspicious.search(line)]  # fmt: skip
    assert found == []
