"""No admin list page runs more queries as its rows grow."""

import datetime

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

NOV_28 = datetime.date(2024, 11, 28)
# The curated models: those whose changes the history keeps.
MODELS = [
    m
    for m in apps.get_app_config("requests_app").get_models()
    if hasattr(m._meta, "simple_history_manager_attribute")
]


@pytest.fixture
def grow(make_request, record_response, make_stance, make_article, cite, make_actor, make_item):
    """Add `count` more rows of every kind."""
    rounds = iter(range(1000))

    def add(count: int) -> None:
        n = next(rounds)
        stance = make_stance(f"stance-{n}")
        article = make_article(f"article-{n}")
        for number in range(count):
            item = make_item(f"item-{n}-{number}")
            item.aliases.create(name=f"Item alias {n}-{number}")
            aid_request = make_request(f"request-{n}-{number}", item=item)
            response = record_response(aid_request, "declined", NOV_28, stance=stance)
            cite(article, "declined the weapon sales", request=aid_request)
            cite(article, "declined the weapon sales", response=response)
            actor = make_actor(f"actor-{n}-{number}", kind="person")
            actor.aliases.create(name=f"Alias {n}-{number}")
            actor.roles.create(slug=f"role-{n}-{number}", title="Envoy", held_from=NOV_28)

    return add


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.model_name)
def test_changelist_queries_do_not_grow_with_rows(admin_client, grow, model):
    url = reverse(f"admin:requests_app_{model._meta.model_name}_changelist")
    grow(1)
    few = queries(admin_client, url)

    grow(6)

    assert queries(admin_client, url) == few
