"""Backup and restore: export_data then import_data into an empty database gives it back."""

import hashlib
import json
import stat
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from requests_app import services
from requests_app.backup import CURATED, FORMAT_VERSION, history_models
from requests_app.models import Actor, AidRequest, Citation


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


# ----------------------------------------------------------------- backups that prove themselves


@pytest.fixture
def backup(curated_data, tmp_path) -> Path:
    """A backup of the curated data, and the database emptied for its restore."""
    path = tmp_path / "backup.jsonl"
    call_command("export_data", str(path), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    return path


def lines_of(path: Path) -> tuple[dict, list[dict], dict]:
    header, *records, trailer = [json.loads(line) for line in path.read_text().splitlines()]
    return header, records, trailer


def forge(path: Path, records: list[dict], version: int = FORMAT_VERSION) -> None:
    """Write `records` as a backup that checks out: counts and checksum made to match, as
    someone who edits a backup on purpose can."""
    counts: dict[str, int] = {}
    for record in records:
        counts[record["model"]] = counts.get(record["model"], 0) + 1
    header = {"format": "aidtracker-backup", "version": version, "counts": counts}
    text = "".join(json.dumps(line) + "\n" for line in [header, *records])
    trailer = {"trailer": {"sha256": hashlib.sha256(text.encode()).hexdigest()}}
    path.write_text(text + json.dumps(trailer) + "\n")


def refused(path: Path, message: str, *options: str) -> None:
    with pytest.raises(CommandError, match=message) as error:
        call_command("import_data", str(path), *options, verbosity=0)
    assert str(error.value).startswith("Nothing was restored.")
    assert not Actor.objects.exists()
    assert not User.objects.exists()
    assert not Citation.objects.exists()


def test_a_backup_is_private_with_a_header_and_a_checksum(backup):
    header, records, trailer = lines_of(backup)

    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert (header["format"], header["version"]) == ("aidtracker-backup", FORMAT_VERSION)
    assert header["counts"]["requests_app.actor"] == sum(
        r["model"] == "requests_app.actor" for r in records
    )
    body = backup.read_bytes().rsplit(b"\n", 2)[0] + b"\n"
    assert trailer["trailer"]["sha256"] == hashlib.sha256(body).hexdigest()


@pytest.mark.parametrize("kept", [0.66, 0.999], ids=["two-thirds", "all-but-the-trailer"])
def test_a_backup_cut_at_a_line_boundary_restores_nothing(backup, kept):
    lines = backup.read_text().splitlines(keepends=True)
    backup.write_text("".join(lines[: min(int(len(lines) * kept), len(lines) - 1)]))

    refused(backup, "incomplete: it ends before its trailer")


def test_an_altered_backup_restores_nothing(backup):
    backup.write_text(backup.read_text().replace("Renamed by a curator.", "Rewritten."))

    refused(backup, "altered or damaged: its checksum does not match")


def test_a_backup_missing_records_its_header_lists_restores_nothing(backup):
    header, records, _ = lines_of(backup)
    text = "".join(json.dumps(line) + "\n" for line in [header, *records[:-5]])
    trailer = {"trailer": {"sha256": hashlib.sha256(text.encode()).hexdigest()}}
    backup.write_text(text + json.dumps(trailer) + "\n")

    refused(backup, "does not hold the records its header lists")


@pytest.mark.parametrize("version", [FORMAT_VERSION + 1, "2", 0])
def test_a_backup_of_a_newer_or_unknown_format_restores_nothing(backup, version):
    forge(backup, lines_of(backup)[1], version=version)

    refused(backup, "newer aidtracker" if version == FORMAT_VERSION + 1 else "unknown format")


def test_a_format_1_backup_needs_unchecked_then_restores(backup):
    _, records, _ = lines_of(backup)
    backup.write_text("".join(json.dumps(record) + "\n" for record in records))

    refused(backup, "format 1, which has no checksum")
    call_command("import_data", str(backup), "--unchecked", verbosity=0)
    assert Actor.objects.get(slug="ukraine").description == "Renamed by a curator."


def test_a_forged_password_restores_nothing(backup):
    _, records, _ = lines_of(backup)
    admin = next(r for r in records if r["model"] == "auth.user")
    admin["fields"]["password"] = make_password("known to the forger")
    forge(backup, records)

    refused(backup, "holds a password for “admin”")


def test_a_forged_api_token_restores_nothing(backup):
    _, records, _ = lines_of(backup)
    token = {
        "model": "knox.authtoken",
        "pk": "f" * 128,
        "fields": {"token_key": "f" * 15, "user": 1, "created": None, "expiry": None},
    }
    forge(backup, [*records, token])

    refused(backup, "holds knox.authtoken records")


def test_restored_accounts_are_inactive_without_a_usable_password(backup):
    call_command("import_data", str(backup), verbosity=0)

    admin = User.objects.get(username="admin")
    assert admin.is_superuser and not admin.is_active
    assert not admin.has_usable_password()


def test_a_citation_whose_quote_is_not_in_its_article_restores_nothing(backup):
    _, records, _ = lines_of(backup)
    citation = next(r for r in records if r["model"] == "requests_app.citation")
    citation["fields"]["quote"] = "Seoul will send every shell it has."
    forge(backup, records)

    refused(backup, "does not occur in")
