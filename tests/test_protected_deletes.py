"""An actor named in an event cannot be deleted: the link is a fact, not to be dropped silently."""

import datetime

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from requests_app import services
from requests_app.models import Actor, Event


@pytest.fixture
def summit(make_actor, first_report) -> Event:
    event = Event(
        slug="vilnius-summit",
        title="Vilnius summit",
        summary="Leaders met in Vilnius.",
        kind=Event.Kind.MEETING,
        occurred_on=datetime.date(2023, 7, 11),
    )
    return services.record_save(
        record=event,
        related={"actors": [make_actor("nato", name="NATO")]},
        citations=first_report(None),
    )


def test_the_delete_service_refuses_an_actor_an_event_names(summit):
    nato = Actor.objects.get(slug="nato")

    with pytest.raises(ProtectedError, match="events name it"):
        services.record_delete(record=nato)

    assert list(summit.actors.all()) == [nato]


def test_the_api_answers_409_with_the_event(api, curator, token_for, summit):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(curator)}")

    response = api.delete(reverse("api:actor-detail", args=["nato"]))

    assert response.status_code == 409
    assert response.json()["protected"] == [str(summit)]
    assert summit.actors.filter(slug="nato").exists()


def test_the_admin_lists_the_event_and_deletes_nothing(admin_client, summit):
    nato = Actor.objects.get(slug="nato")
    url = reverse("admin:requests_app_actor_delete", args=[nato.pk])

    response = admin_client.post(url, {"post": "yes"})

    html = response.content.decode()
    assert "would require deleting the following protected related objects" in html
    assert "Vilnius summit" in html
    assert summit.actors.filter(pk=nato.pk).exists()


def test_an_actor_in_no_event_is_deleted(make_actor):
    services.record_delete(record=make_actor("lonely"))
    assert not Actor.objects.filter(slug="lonely").exists()
