"""Versioned data releases: every curated record as a Frictionless Data Package, and back.

A release is one CSV per table with a `datapackage.json` that describes each (its fields'
types, primary key and foreign keys), a changelog against the previous release (each record
added, changed or deleted), and a zip of them all whose SHA-256 the release page shows. Its
files go to the default storage under releases/<number>/ and never change after; the number
is the day (UTC), with .2, .3… for a later release the same day.

Each table's columns are its model's stored fields, links as the linked record's id; what the
database derives (a fact's first report, the search document) is left out and derived again
on loading. A second reader is named by user name, as the seed fixtures name them.
"""

import csv
import datetime
import hashlib
import io
import itertools
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from django.contrib.auth.models import User
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from .backup import citations_check
from .models import (
    CURATED,
    Action,
    Actor,
    ActorAlias,
    AidRequest,
    AidResponse,
    Citation,
    Contribution,
    DataRelease,
    Event,
    Item,
    ItemAlias,
    PolicyStance,
    Role,
    SourceArticle,
)

# The package's tables in the order a load needs: what is pointed at before what points at it.
TABLES: dict[str, type[models.Model]] = {
    "actors": Actor,
    "actor_aliases": ActorAlias,
    "items": Item,
    "item_aliases": ItemAlias,
    "sources": SourceArticle,
    "events": Event,
    "event_actors": Event.actors.through,
    "stances": PolicyStance,
    "roles": Role,
    "requests": AidRequest,
    "responses": AidResponse,
    "response_conflicts": AidResponse.conflicts_with.through,
    "contributions": Contribution,
    "actions": Action,
    "citations": Citation,
}
TABLE_OF = {model: name for name, model in TABLES.items()}
# Saved again without any change a reader sees: not a change for the changelog.
BOOKKEEPING = {"updated_at", "version"}
CHUNK = 2000
REPORT_EVERY = 50_000


class ReleaseError(Exception):
    """The release cannot be written or loaded; nothing was changed."""


def columns(model: type[models.Model]) -> list[models.Field]:
    """The fields a table has a column for: its id and every stored field not derived."""
    return [model._meta.pk, *(f for f in model._meta.concrete_fields if f.serialize)]


def column_name(field: models.Field) -> str:
    """A link to a user is their user name; other links the linked record's id."""
    return field.name if field.related_model is User else field.attname


def _lookup(field: models.Field) -> str:
    return f"{field.name}__username" if field.related_model is User else field.attname


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):  # datetimes too, to the microsecond
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


FRICTIONLESS_TYPES = [
    (models.BooleanField, "boolean"),
    (models.DecimalField, "number"),
    (models.DateTimeField, "datetime"),
    (models.DateField, "date"),
    (models.JSONField, "object"),
]


def _schema_field(field: models.Field) -> dict:
    linked = field.is_relation and field.related_model is not User
    if linked or isinstance(field, models.IntegerField | models.AutoField):
        kind = "integer"
    else:
        kind = next((t for cls, t in FRICTIONLESS_TYPES if isinstance(field, cls)), "string")
    described = {
        "name": column_name(field),
        "type": kind,
        "description": str(field.help_text or field.verbose_name),
    }
    if field.choices and not field.is_relation:
        described["constraints"] = {"enum": [str(value) for value, _ in field.flatchoices]}
    return described


def schema(model: type[models.Model]) -> dict:
    """The Table Schema of a model's table: its fields, primary key and foreign keys."""
    fields = columns(model)
    links = [f for f in fields if f.is_relation and f.related_model is not User]
    return {
        "fields": [_schema_field(f) for f in fields],
        "primaryKey": [model._meta.pk.attname],
        "foreignKeys": [
            {
                "fields": [f.attname],
                "reference": {
                    "resource": "" if f.related_model is model else TABLE_OF[f.related_model],
                    "fields": [f.related_model._meta.pk.attname],
                },
            }
            for f in links
        ],
    }


def _rows(model: type[models.Model]) -> Iterator[list[str]]:
    lookups = [_lookup(f) for f in columns(model)]
    rows = model._base_manager.order_by("pk").values_list(*lookups)
    for row in rows.iterator(chunk_size=CHUNK):
        yield [_cell(value) for value in row]


def _previous_rows(previous: DataRelease | None, table: str) -> tuple[list[str], dict]:
    """The header and {id: row} of a table of the previous release (none before the first)."""
    if previous is None:
        return [], {}
    name = f"{previous.folder}/{table}.csv"
    if not default_storage.exists(name):
        raise ReleaseError(
            f"The files of the previous release ({previous.number}) are missing: {name}."
        )
    with default_storage.open(name, "rb") as stored:
        reader = csv.reader(io.TextIOWrapper(stored, encoding="utf-8", newline=""))
        header = next(reader)
        return header, {row[0]: row for row in reader}


def _label(header: list[str], row: list[str]) -> str:
    """How a changelog names a record: its slug, or its name, quote or title."""
    for name in ("slug", "name", "quote", "title"):
        if name in header:
            return row[header.index(name)]
    return ""


def _write_table(
    model: type[models.Model],
    table: str,
    out,
    previous: DataRelease | None,
    report: Callable[[str], None],
) -> tuple[int, list[dict]]:
    """Write a table's CSV; its row count and its changes since the previous release."""
    header = [column_name(f) for f in columns(model)]
    old_header, old_rows = _previous_rows(previous, table)
    compared = [
        (header.index(name), old_header.index(name), name)
        for name in header
        if name in old_header and name not in BOOKKEEPING
    ]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    changes, count = [], 0
    for row in _rows(model):
        writer.writerow(row)
        count += 1
        if count % REPORT_EVERY == 0:
            report(f"  {count:>10,} {table}…")
        if previous is None:
            continue
        old = old_rows.pop(row[0], None)
        if old is None:
            changes.append(
                {"table": table, "id": row[0], "change": "added", "label": _label(header, row)}
            )
            continue
        fields = {name: [old[j], row[i]] for i, j, name in compared if old[j] != row[i]}
        if fields:
            changes.append(
                {
                    "table": table,
                    "id": row[0],
                    "change": "changed",
                    "label": _label(header, row),
                    "fields": fields,
                }
            )
    for key, old in old_rows.items():
        changes.append(
            {"table": table, "id": key, "change": "deleted", "label": _label(old_header, old)}
        )
    report(f"  {count:>10,} {table}")
    return count, changes


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _changelog_markdown(number: str, previous: DataRelease | None, changes: list[dict]) -> str:
    lines = [f"# aidtracker data release {number}", ""]
    if previous is None:
        lines.append("The first release: every record is new.")
        return "\n".join(lines) + "\n"
    summary = _summary(changes)
    lines.append(
        f"Changes since release {previous.number}: {summary['added']} records added, "
        f"{summary['changed']} changed, {summary['deleted']} deleted."
    )
    for kind in ("added", "changed", "deleted"):
        listed = [c for c in changes if c["change"] == kind]
        if not listed:
            continue
        lines += ["", f"## {kind.capitalize()}", ""]
        for change in listed:
            name = f" ({change['label']})" if change["label"] else ""
            lines.append(f"- {change['table']} {change['id']}{name}")
            for field, (old, new) in change.get("fields", {}).items():
                lines.append(f"  - {field}: {json.dumps(old)} → {json.dumps(new)}")
    return "\n".join(lines) + "\n"


def _summary(changes: list[dict]) -> dict[str, int]:
    return {
        kind: sum(c["change"] == kind for c in changes) for kind in ("added", "changed", "deleted")
    }


def next_number(day: datetime.date) -> str:
    """The day, then day.2, day.3… for later releases the same day."""
    taken = set(DataRelease.objects.filter(released_on=day).values_list("number", flat=True))
    numbers = (day.isoformat() if n == 1 else f"{day.isoformat()}.{n}" for n in itertools.count(1))
    return next(number for number in numbers if number not in taken)


def _snapshot(outermost: bool) -> None:
    """Every table read as of one moment: on PostgreSQL the transaction's first statement
    makes its reads one snapshot (SQLite's read transaction is one already). Inside an outer
    transaction (a test's), that one's snapshot holds."""
    if outermost and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")


def release_data(report: Callable[[str], None]) -> DataRelease:
    """Write a release of every curated record to the default storage, and record it."""
    released_at = timezone.now()
    day = released_at.date()
    previous = DataRelease.objects.order_by("-created_at", "-pk").first()
    number = next_number(day)
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        counts, changes, resources = {}, [], []
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            _snapshot(outermost)
            for table, model in TABLES.items():
                path = folder / f"{table}.csv"
                with path.open("w", encoding="utf-8", newline="") as out:
                    counts[table], table_changes = _write_table(model, table, out, previous, report)
                changes += table_changes
                resources.append(
                    {
                        "name": table,
                        "path": path.name,
                        "profile": "tabular-data-resource",
                        "format": "csv",
                        "mediatype": "text/csv",
                        "encoding": "utf-8",
                        "bytes": path.stat().st_size,
                        "hash": f"sha256:{_sha256(path)}",
                        "schema": schema(model),
                    }
                )
        package = {
            "profile": "tabular-data-package",
            "name": "aidtracker",
            "title": f"aidtracker data release {number}",
            "description": "Aid requests between governments as the news reports them, with "
            "the answers, stances, aid, events and the article sentences that report each.",
            "version": number,
            "created": released_at.isoformat(),
            "resources": resources,
        }
        (folder / "datapackage.json").write_text(
            json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (folder / "changelog.json").write_text(
            json.dumps(
                {
                    "release": number,
                    "previous": previous.number if previous else None,
                    "summary": _summary(changes),
                    "changes": changes,
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n",
            encoding="utf-8",
        )
        (folder / "CHANGELOG.md").write_text(
            _changelog_markdown(number, previous, changes), encoding="utf-8"
        )
        release = DataRelease(
            number=number,
            released_on=day,
            created_at=released_at,
            counts=counts,
            changes=_summary(changes) if previous else {"added": sum(counts.values())},
        )
        archive = folder / release.zip_name
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for name in ["datapackage.json", "CHANGELOG.md", "changelog.json"]:
                zipped.write(folder / name, name)
            for table in TABLES:
                zipped.write(folder / f"{table}.csv", f"{table}.csv")
        release.sha256, release.size = _sha256(archive), archive.stat().st_size
        report(f"Storing release {number} ({release.size:,} bytes)…")
        for name in release.files:
            stored = f"{release.folder}/{name}"
            # Left by a release that failed before it was recorded: never a published one.
            default_storage.delete(stored)
            with (folder / name).open("rb") as content:
                default_storage.save(stored, File(content))
    release.save()
    return release


# ------------------------------------------------------------------------------ loading back


def _package_reader(path: Path) -> Callable[[str], bytes]:
    """A reader of the package's files, from its zip or its folder."""
    if path.is_dir():
        return lambda name: (path / name).read_bytes()
    archive = zipfile.ZipFile(path)
    return archive.read


def _value(field: models.Field, cell: str):
    """A cell as the deserializer takes it: empty is null (or empty text), a user by name."""
    if cell == "":
        return None if field.null else ""
    if field.related_model is User:
        return [cell]
    if isinstance(field, models.JSONField):
        return json.loads(cell)
    return cell


def _reviewers(names: set[str]) -> None:
    """The second readers a release names, as accounts that cannot sign in (as the seed's)."""
    known = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    for name in names - known - {""}:
        user = User(username=name, is_active=False)
        user.set_unusable_password()
        user.save()


def load_release(path: Path, report: Callable[[str], None]) -> int:
    """Load a release (its zip or folder) into a database without curated records, all of it
    or nothing; how many rows. Every record gets a first history entry saying so."""
    try:
        read = _package_reader(path)
        package = json.loads(read("datapackage.json"))
        tables = {resource["name"]: resource["path"] for resource in package["resources"]}
    except (OSError, KeyError, TypeError, ValueError, zipfile.BadZipFile) as error:
        raise ReleaseError(f"{path.name} is no aidtracker data release: {error}") from error
    try:
        with transaction.atomic():
            loaded = _load(
                path, read, tables, f"Loaded from data release {package.get('version')}", report
            )
    except (DatabaseError, DeserializationError, UnicodeDecodeError) as error:
        raise ReleaseError(f"{path.name}: {error}") from error
    return loaded


def _load(path: Path, read, tables: dict[str, str], reason: str, report) -> int:
    if any(model.objects.exists() for model in CURATED):
        raise ReleaseError("The database already holds curated records: load into a new one.")
    loaded = 0
    for table, model in TABLES.items():
        if table not in tables:
            raise ReleaseError(f"{path.name} has no table “{table}”.")
        fields = {column_name(f): f for f in columns(model)}
        reader = csv.DictReader(io.StringIO(read(tables[table]).decode("utf-8")))
        if set(reader.fieldnames or []) != set(fields):
            differ = ", ".join(sorted(set(reader.fieldnames or []) ^ set(fields)))
            raise ReleaseError(
                f"{path.name}: the columns of “{table}” are not this version's ({differ})."
            )
        rows = list(reader)
        users = [name for name, f in fields.items() if f.related_model is User]
        _reviewers({row[name] for row in rows for name in users})
        records = (
            {
                "model": model._meta.label_lower,
                "pk": row[model._meta.pk.attname],
                "fields": {
                    f.name: _value(f, row[name]) for name, f in fields.items() if not f.primary_key
                },
            }
            for row in rows
        )
        # Saved raw, as loaddata and a restore save: the release's ids and dates as they are.
        objects = []
        for record in serializers.deserialize("python", records, use_natural_foreign_keys=True):
            record.save()
            objects.append(record.object)
        if hasattr(model, "history"):
            model.history.bulk_history_create(
                objects, batch_size=CHUNK, default_change_reason=reason
            )
        loaded += len(objects)
        report(f"  {len(objects):>10,} {table}")
    # Every link leads to a loaded row, checked now as loaddata checks them: on SQLite a link
    # to a missing row would otherwise be kept.
    connection.check_constraints(table_names=[m._meta.db_table for m in TABLES.values()])
    citations_check(path)
    # Rows came with their ids: new rows must be numbered after them.
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(TABLES.values())):
            cursor.execute(statement)
    return loaded
