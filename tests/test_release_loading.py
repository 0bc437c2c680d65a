"""A data release loads back into an empty database as the same records (load_release).

Its own module: these tests commit and empty the database, which a module holding the
seed data in its transaction (tests/test_releases.py) cannot do on PostgreSQL."""

import csv
import zipfile

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from requests_app import services
from requests_app.models import Actor, AidRequest, AidResponse
from requests_app.releases import TABLES

from .test_releases import folder, release


def snapshot() -> dict:
    """Every row of every table of a release, as stored; reviewers by user name."""
    tables = {}
    for name, model in TABLES.items():
        fields = [
            f"{f.name}__username" if f.related_model is User else f.attname
            for f in model._meta.concrete_fields
        ]
        tables[name] = sorted(model.objects.values_list(*fields), key=repr)
    return tables


@pytest.fixture
def curated(curated_data, media):
    """The seed data and a curator's changes, committed, with releases stored for the test."""


def test_a_release_loads_back_into_an_empty_database_as_the_same_records(curated, media):
    before = snapshot()
    made = release()
    zipped = folder(media, made.number) / made.zip_name
    call_command("flush", interactive=False, verbosity=0)
    assert not AidRequest.objects.exists()

    call_command("load_release", str(zipped), verbosity=0)

    assert snapshot() == before
    assert AidRequest.objects.get(slug="ua-kr-2024-07-air-defence").status == "under_consideration"
    assert User.objects.get(username="second-reader").has_usable_password() is False
    history = Actor.objects.get(slug="ukraine").history.get()
    assert history.history_change_reason == f"Loaded from data release {made.number}"
    added = services.record_save(record=Actor(slug="atlantis", name="Atlantis", kind="country"))
    assert added.pk > max(row[0] for row in before["actors"])


def test_a_release_folder_loads_too(curated, media):
    before = snapshot()
    made = release()
    call_command("flush", interactive=False, verbosity=0)

    call_command("load_release", str(folder(media, made.number)), verbosity=0)

    assert snapshot() == before


def test_loading_into_a_database_with_records_loads_nothing(curated, media):
    made = release()
    count = Actor.objects.count()

    with pytest.raises(CommandError, match="already holds curated records"):
        call_command("load_release", str(folder(media, made.number) / made.zip_name))

    assert Actor.objects.count() == count


def test_a_release_with_a_broken_link_loads_nothing(curated, media, tmp_path):
    made = release()
    copy = tmp_path / "broken"
    with zipfile.ZipFile(folder(media, made.number) / made.zip_name) as zipped:
        zipped.extractall(copy)
    rows = list(csv.reader((copy / "responses.csv").read_text(encoding="utf-8").splitlines()))
    rows[1][rows[0].index("request_id")] = "999999"
    with (copy / "responses.csv").open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\n").writerows(rows)
    call_command("flush", interactive=False, verbosity=0)

    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("load_release", str(copy), verbosity=0)

    assert not Actor.objects.exists() and not AidResponse.objects.exists()


def test_a_file_that_is_no_release_loads_nothing(db, tmp_path):
    path = tmp_path / "backup.zip"
    path.write_bytes(b"not a zip")

    with pytest.raises(CommandError, match="is no aidtracker data release"):
        call_command("load_release", str(path), verbosity=0)
