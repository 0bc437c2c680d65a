"""Every model has an admin whose list runs the same queries whatever its length."""

import pytest
from django.apps import apps
from django.contrib.admin.sites import site
from django.urls import reverse

# The curated models: those whose changes the history keeps.
MODELS = [
    m
    for m in apps.get_app_config("requests_app").get_models()
    if hasattr(m._meta, "simple_history_manager_attribute")
]


def test_every_model_is_registered():
    assert all(site.is_registered(model) for model in MODELS)


def test_admin_login_page_is_served(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get(reverse("admin:requests_app_aidrequest_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.model_name)
def test_changelist_shows_seed_rows(seeded, admin_client, model):
    opts = model._meta

    response = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))

    count = model.objects.count()
    noun = opts.verbose_name if count == 1 else opts.verbose_name_plural
    assert response.status_code == 200
    assert f"{count} {noun}" in response.content.decode()


def test_request_search_matches_an_alias(seeded, admin_client):
    url = reverse("admin:requests_app_aidrequest_changelist")

    response = admin_client.get(url, {"q": "Umierov"})

    assert b"Cheongung air defence missile systems" in response.content
