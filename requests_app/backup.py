"""Backup and restore of everything curated, with its history, as JSON lines.

Records keep their ids, so that history rows still point at the records they describe; links
between curated records are written as natural keys (slugs), which a reader can follow.
Curators' accounts are kept without their passwords: after a restore they reset them.
"""

import datetime
from collections.abc import Callable, Iterable
from pathlib import Path

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, transaction

from .models import CURATED, DataVersion

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
    """Write every curated record, its history and the accounts that made it; how many."""
    written = 0
    with path.open("w", encoding="utf-8") as out:

        def write(objects: Iterable, label: str, **options) -> None:
            nonlocal written
            count = 0

            def each():
                nonlocal count
                for obj in objects:
                    count += 1
                    if count % 50_000 == 0:
                        report(f"  {count:>8,} {label}…")
                    yield obj

            serializers.serialize("jsonl", each(), stream=out, cls=ExactJSONEncoder, **options)
            written += count
            report(f"  {count:>8,} {label}")

        write(
            Group.objects.prefetch_related("permissions"), "groups", use_natural_foreign_keys=True
        )
        accounts = User.objects.prefetch_related("groups", "user_permissions")
        write(accounts, "accounts", fields=USER_FIELDS, use_natural_foreign_keys=True)
        for model in CURATED:
            links = [f.name for f in model._meta.concrete_fields if f.is_relation]
            many = [f.name for f in model._meta.many_to_many]
            rows = model.objects.select_related(*links).prefetch_related(*many)
            label = str(model._meta.verbose_name_plural)
            write(rows.iterator(chunk_size=2000), label, use_natural_foreign_keys=True)
        for model in history_models():
            write(model.objects.iterator(chunk_size=2000), str(model._meta.verbose_name_plural))
    return written


@transaction.atomic
def import_data(path: Path, report: Callable[[str], None]) -> int:
    """Restore a backup into an empty database, all of it or nothing; how many records."""
    if User.objects.exists() or any(model.objects.exists() for model in CURATED):
        raise RestoreError(
            "The database is not empty: restore into a new one (migrate it, and restore before "
            "creating any account)."
        )
    loaded, deferred = 0, []
    try:
        with path.open(encoding="utf-8") as backup:
            for record in serializers.deserialize("jsonl", backup, handle_forward_references=True):
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
    # Accounts come back without passwords: each curator sets a new one.
    User.objects.filter(password="").update(password=make_password(None))
    # Rows came with their ids: new rows must be numbered after them.
    restored = [Group, User, *CURATED, *history_models()]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), restored):
            cursor.execute(statement)
    DataVersion.objects.bump()
    report(f"  {loaded:>8,} records restored")
    return loaded
