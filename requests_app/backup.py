"""Backup and restore of everything curated, with its history, as JSON lines.

Records keep their ids, so that history rows still point at the records they describe; links
between curated records are written as natural keys (slugs), which a reader can follow.
Curators' accounts are kept without their passwords: after a restore they reset them.

A backup proves itself: its first line is a header (the format and its version, and how many
records of each kind follow), its last a trailer with the SHA-256 of every line before it. A
restore checks both before it changes anything, so a file cut short or altered is refused.
"""

import datetime
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, transaction

from .models import CURATED, Citation
from .models.base import version_lock

FORMAT = "aidtracker-backup"
# 1: records only (before headers and checksums); 2: a header, the records, a trailer.
FORMAT_VERSION = 2

USER_FIELDS = [
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "is_superuser",
    "date_joined",
    "groups",
    "user_permissions",
]


def history_models() -> list:
    """The history tables of the curated models, their many-to-many tables included."""
    return [
        model
        for model in apps.get_app_config("requests_app").get_models()
        if model._meta.model_name.startswith("historical")
    ]


class ExactJSONEncoder(DjangoJSONEncoder):
    """Times to the microsecond: Django's encoder stops at the millisecond."""

    def default(self, value):
        if isinstance(value, datetime.datetime):
            return value.isoformat()
        return super().default(value)


class RestoreError(Exception):
    """The backup cannot be restored; nothing was changed."""


def export_data(path: Path, report: Callable[[str], None]) -> int:
    """Write every curated record, its history and the accounts that made it; how many.

    The file is readable by its owner only, and appears whole or not at all."""
    counts: dict[str, int] = {}
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n") as body:

        def write(objects: Iterable, model, **options) -> None:
            label = str(model._meta.verbose_name_plural)
            count = 0

            def each():
                nonlocal count
                for obj in objects:
                    count += 1
                    if count % 50_000 == 0:
                        report(f"  {count:>8,} {label}…")
                    yield obj

            serializers.serialize("jsonl", each(), stream=body, cls=ExactJSONEncoder, **options)
            counts[model._meta.label_lower] = count
            report(f"  {count:>8,} {label}")

        write(Group.objects.prefetch_related("permissions"), Group, use_natural_foreign_keys=True)
        accounts = User.objects.prefetch_related("groups", "user_permissions")
        write(accounts, User, fields=USER_FIELDS, use_natural_foreign_keys=True)
        for model in CURATED:
            links = [f.name for f in model._meta.concrete_fields if f.is_relation]
            many = [f.name for f in model._meta.many_to_many]
            rows = model.objects.select_related(*links).prefetch_related(*many)
            write(rows.iterator(chunk_size=2000), model, use_natural_foreign_keys=True)
        for model in history_models():
            write(model.objects.iterator(chunk_size=2000), model)

        # mkstemp makes the file 0600; it replaces `path` only once complete.
        fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        try:
            digest = hashlib.sha256()
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:

                def put(line: str) -> None:
                    digest.update(line.encode("utf-8"))
                    out.write(line)

                header = {"format": FORMAT, "version": FORMAT_VERSION, "counts": counts}
                put(json.dumps(header) + "\n")
                body.seek(0)
                for line in body:
                    put(line)
                out.write(json.dumps({"trailer": {"sha256": digest.hexdigest()}}) + "\n")
            os.replace(partial, path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return sum(counts.values())


def _header(line: bytes, path: Path, unchecked: bool) -> dict | None:
    """The backup's header; None for a file of format 1, which has none."""
    try:
        first = json.loads(line)
    except ValueError:
        first = None
    if isinstance(first, dict) and "model" in first and "format" not in first:
        if not unchecked:
            raise RestoreError(
                f"{path.name} is a backup of format 1, which has no checksum: nothing proves it "
                "complete. Restore it with --unchecked if you trust it, or export it anew."
            )
        return None
    if not isinstance(first, dict) or first.get("format") != FORMAT:
        raise RestoreError(f"{path.name} is not an aidtracker backup: its first line is no header.")
    version = first.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 2:
        raise RestoreError(f"{path.name} is of an unknown format version ({version!r}).")
    if version > FORMAT_VERSION:
        raise RestoreError(
            f"{path.name} was written in format {version}, by a newer aidtracker; this one "
            f"reads formats 1 to {FORMAT_VERSION}. Restore it with the newer version."
        )
    if not isinstance(first.get("counts"), dict):
        raise RestoreError(f"{path.name} has a header without its record counts.")
    return first


def _json_object(line: bytes) -> dict:
    try:
        value = json.loads(line)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _verified_records(path: Path, unchecked: bool) -> Iterator[str]:
    """The record lines of a backup, once its header, trailer and checksum are found right."""
    with path.open("rb") as backup:
        first = backup.readline()
        header = _header(first, path, unchecked)
        if header is None:
            yield first.decode("utf-8")
            yield from (line.decode("utf-8") for line in backup)
            return
        digest, counts = hashlib.sha256(first), dict.fromkeys(header["counts"], 0)
        last, end = None, len(first)  # the last line read, and where it starts
        for line in backup:
            if last is not None:
                digest.update(last)
                model = _json_object(last).get("model")
                counts[model] = counts.get(model, 0) + 1
                end += len(last)
            last = line
        trailer = _json_object(last).get("trailer") if last else None
        if not isinstance(trailer, dict):
            raise RestoreError(
                f"{path.name} is incomplete: it ends before its trailer (cut short?)."
            )
        if trailer.get("sha256") != digest.hexdigest():
            raise RestoreError(f"{path.name} was altered or damaged: its checksum does not match.")
        if counts != header["counts"]:
            differ = sorted(str(m) for m in counts if counts[m] != header["counts"].get(m))
            raise RestoreError(
                f"{path.name} does not hold the records its header lists ({', '.join(differ)})."
            )
        backup.seek(len(first))
        while backup.tell() < end:
            yield backup.readline().decode("utf-8")


def _allowed(obj, kinds: set) -> None:
    """Refuse what a backup never holds: other tables (API tokens, sessions), passwords."""
    if type(obj) not in kinds:
        raise RestoreError(f"The backup holds {obj._meta.label_lower} records: backups never do.")
    if isinstance(obj, User):
        if obj.password:
            raise RestoreError(
                f"The backup holds a password for “{obj.username}”: backups never do."
            )
        # Until an editor enables them, with a password each curator sets anew.
        obj.is_active = False
        obj.set_unusable_password()


@transaction.atomic
def import_data(path: Path, report: Callable[[str], None], unchecked: bool = False) -> int:
    """Restore a backup into an empty database, all of it or nothing; how many records.

    Its header, trailer and checksum are checked first; accounts come back inactive and
    without passwords, and every citation must quote its article as a new one must."""
    if User.objects.exists() or any(model.objects.exists() for model in CURATED):
        raise RestoreError(
            "The database is not empty: restore into a new one (migrate it, and restore before "
            "creating any account)."
        )
    version_lock(connection.alias)
    loaded, deferred = 0, []
    try:
        kinds = {Group, User, *CURATED, *history_models()}
        lines = _verified_records(path, unchecked)
        for record in serializers.deserialize("jsonl", lines, handle_forward_references=True):
            _allowed(record.object, kinds)
            # The backup holds the history: saving must not write more of it.
            record.object.skip_history_when_saving = True
            record.save()
            if record.deferred_fields:
                deferred.append(record)
            loaded += 1
            if loaded % 50_000 == 0:
                report(f"  {loaded:>8,} records…")
        for record in deferred:
            record.save_deferred_fields()
    except (OSError, ValueError, serializers.base.DeserializationError, DatabaseError) as error:
        raise RestoreError(f"{path.name}: {error}") from error
    citations_check(path)
    # Rows came with their ids: new rows must be numbered after them.
    restored = [Group, User, *CURATED, *history_models()]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), restored):
            cursor.execute(statement)
    report(f"  {loaded:>8,} records restored")
    return loaded


def citations_check(path: Path) -> None:
    """Every restored citation quotes its article, as a new one must."""
    for citation in Citation.objects.select_related("source").iterator(chunk_size=2000):
        try:
            citation.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise RestoreError(f"{path.name}: citation {citation.pk}: {error}") from error
