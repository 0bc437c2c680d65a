"""Backup and restore: export_data then import_data into an empty database gives it back."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError

from requests_app import services
from requests_app.backup import CURATED, history_models
from requests_app.models import Actor, AidRequest, AidResponse, Citation


def snapshot() -> dict:
    """Every row of every curated and history table, as stored."""
    tables = {
        model._meta.label: sorted(model.objects.values_list(), key=repr)
        for model in [*CURATED, *history_models()]
    }
    tables["accounts"] = sorted(
        User.objects.values_list("pk", "username", "email", "is_staff", "groups__name")
    )
    return tables


@pytest.fixture
def curated_data(transactional_db, admin_user):
    """The seed data, then a curator's changes: a new answer and a renamed actor."""
    call_command("setup_roles", verbosity=0)
    admin_user.groups.add(*Group.objects.all())
    call_command("load_seed", verbosity=0)
    ukraine = Actor.objects.get(slug="ukraine")
    ukraine.description = "Renamed by a curator."
    ukraine._history_user = admin_user
    services.record_save(record=ukraine)
    request = AidRequest.objects.get(slug="ua-kr-2024-07-air-defence")
    answer = AidResponse(
        request=request,
        responder=Actor.objects.get(slug="south-korea"),
        responded_on=datetime.date(2024, 12, 1),
        decision="under_consideration",
        summary="A curator's test answer.",
    )
    answer._history_user = admin_user
    report = Citation.objects.filter(response__isnull=False).first()
    services.response_save(
        response=answer, citations=[Citation(source=report.source, quote=report.quote)]
    )
    services.record_delete(record=Citation.objects.filter(role__isnull=False).first())


def test_a_backup_restores_an_identical_database(curated_data, tmp_path, capsys):
    before = snapshot()
    backup = tmp_path / "backup.jsonl"
    call_command("export_data", str(backup))
    assert "records to" in capsys.readouterr().out

    call_command("flush", interactive=False, verbosity=0)
    assert not AidRequest.objects.exists()
    call_command("import_data", str(backup))

    after = snapshot()
    assert after == before
    assert AidRequest.objects.get(slug="ua-kr-2024-07-air-defence").status == "under_consideration"
    assert not User.objects.get(username="admin").has_usable_password()
    assert Actor.objects.get(slug="ukraine").history.first().history_user.username == "admin"


def test_new_records_after_a_restore_get_new_ids(curated_data, tmp_path):
    backup = tmp_path / "backup.jsonl"
    call_command("export_data", str(backup), verbosity=0)
    highest = Actor.objects.order_by("-pk").first().pk
    call_command("flush", interactive=False, verbosity=0)
    call_command("import_data", str(backup), verbosity=0)

    added = services.record_save(record=Actor(name="Atlantis", kind="country"))

    assert added.pk > highest


def test_restore_refuses_a_database_that_is_not_empty(curated_data, tmp_path):
    backup = tmp_path / "backup.jsonl"
    call_command("export_data", str(backup), verbosity=0)
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("import_data", str(backup), verbosity=0)


def test_a_damaged_backup_restores_nothing(curated_data, tmp_path):
    backup = tmp_path / "backup.jsonl"
    call_command("export_data", str(backup), verbosity=0)
    lines = backup.read_text().splitlines()
    damaged = tmp_path / "damaged.jsonl"
    damaged.write_text("\n".join([*lines[: len(lines) // 2], '{"model": "requests_app.actor",']))
    call_command("flush", interactive=False, verbosity=0)

    with pytest.raises(CommandError, match="Nothing was restored"):
        call_command("import_data", str(damaged), verbosity=0)

    assert not Actor.objects.exists()
    assert not User.objects.exists()
