"""The data version is raised by the database on every write to a curated table, so no write
path leaves a cached page stale."""

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from requests_app import triggers
from requests_app.models import Actor, DataVersion


@pytest.fixture
def version(db):
    return DataVersion.objects.current


def test_an_orm_save_an_update_and_raw_sql_each_raise_it(ukraine, version):
    before = version()
    ukraine.description = "Edited in a shell."
    ukraine.save()
    after_save = version()
    Actor.objects.filter(pk=ukraine.pk).update(description="Updated in bulk.")
    after_update = version()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE requests_app_actor SET description = 'By hand.'")

    assert before < after_save < after_update < version()


def test_django_loaddata_raises_it(db, tmp_path, version):
    fixture = tmp_path / "actor.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "requests_app.actor",
                    "fields": {
                        "slug": "atlantis",
                        "name": "Atlantis",
                        "created_at": "2024-11-30T00:00:00Z",
                        "updated_at": "2024-11-30T00:00:00Z",
                    },
                }
            ]
        )
    )
    before = version()
    call_command("loaddata", str(fixture), verbosity=0)
    assert version() > before


def test_a_write_is_seen_on_the_next_anonymous_read(client, ukraine, api):
    url = reverse("api:actor-detail", args=["ukraine"])
    assert client.get(url).headers["X-Cache"] == "miss"
    assert client.get(url).headers["X-Cache"] == "hit"

    Actor.objects.filter(pk=ukraine.pk).update(name="Ukraine, renamed by hand")

    response = client.get(url)
    assert response.json()["name"] == "Ukraine, renamed by hand"


def test_the_links_between_records_raise_it_too(ukraine, south_korea, version, first_report):
    from requests_app import services
    from requests_app.models import Event

    event = services.record_save(
        record=Event(title="Summit", summary="Met.", kind="meeting", occurred_on="2024-06-19"),
        citations=first_report(None),
    )
    before = version()
    event.actors.add(ukraine)
    assert version() > before


def test_every_versioned_table_has_its_triggers(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        installed = {row[0] for row in cursor.fetchall()}
    for table in triggers.versioned_tables():
        assert any(name.startswith(f"{table}_data_version") for name in installed), table
