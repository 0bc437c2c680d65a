"""Loading curated fixtures: all or nothing, validated as the admin validates."""

from collections import Counter
from pathlib import Path

from django.contrib.auth.models import User
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, router, transaction
from django.utils import timezone

from ..models import FACTS, AidRequest
from ..models.base import REVIEW_FIELDS, version_lock
from .requests import requests_derive


class FixtureError(Exception):
    """A fixture that cannot be loaded; nothing from it was kept."""


def _field_values(obj, fields) -> list:
    return [field.get_prep_value(field.value_from_object(obj)) for field in fields]


def _fixture_object_save(deserialized, now, reason: str) -> str:
    """Save one deserialized object unless the database already holds the same facts."""
    obj = deserialized.object
    model = type(obj)
    if model is User:
        return _account_save(obj)
    existing = model._default_manager.filter(pk=obj.pk).first() if obj.pk else None
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    # The fixtures carry the second reading of each fact, as the curators' content does.
    curated = [f for f in fields if f.editable or f.name in REVIEW_FIELDS]
    if existing is None:
        obj.created_at = obj.updated_at = now
        outcome = "created"
    else:
        same_m2m = all(
            {o.pk for o in getattr(existing, name).all()} == {int(pk) for pk in pks}
            for name, pks in deserialized.m2m_data.items()
        )
        if same_m2m and _field_values(existing, curated) == _field_values(obj, curated):
            return "unchanged"
        # Keep what the fixture does not curate: creation time and derived fields.
        for field in fields:
            if field not in curated:
                setattr(obj, field.attname, field.value_from_object(existing))
        obj.updated_at = now
        obj.version = existing.version + 1
        obj._state.adding = False  # so validation treats it as the row it replaces
        outcome = "updated"
    try:
        obj.full_clean()
    except ValidationError as error:
        raise FixtureError(f"{model._meta.label} “{obj}”: {' '.join(error.messages)}") from error
    # One history record per object, written here: raw saves escape history, but setting
    # many-to-many fields would add records of their own.
    obj.skip_history_when_saving = True
    deserialized.save()
    del obj.skip_history_when_saving
    model.history.bulk_history_create(
        [obj], update=outcome == "updated", default_change_reason=reason
    )
    return outcome


def _account_save(account: User) -> str:
    """The account a fixture names (a second reader of the seeds), made if missing: inactive,
    without a password and without staff rights, as a restored account is. An account that
    exists is left as it is."""
    if account.password:
        raise FixtureError(f"The fixture holds a password for “{account.username}”: never do.")
    if User.objects.filter(username=account.username).exists():
        return "unchanged"
    account.pk = None
    account.is_active = account.is_staff = account.is_superuser = False
    account.set_unusable_password()
    account.save()
    return "created"


@transaction.atomic
def fixtures_load(*, paths: list[Path], report=None) -> Counter:
    """Load fixtures with natural keys, all or nothing, saving only what changed.

    Every object is validated as the admin would (quotes must occur in their article), and
    request statuses are derived afterwards from the responses loaded. The data version is
    locked first, as every writer locks it (`models.base.locked`).
    """
    version_lock(router.db_for_write(AidRequest))
    counts: Counter = Counter()
    now = timezone.now()
    for path in paths:
        file_counts: Counter = Counter()
        try:
            with path.open(encoding="utf-8") as fixture:
                for deserialized in serializers.deserialize("json", fixture):
                    outcome = _fixture_object_save(deserialized, now, f"Loaded from {path.name}")
                    file_counts[outcome] += 1
        except (OSError, DeserializationError, DatabaseError, FixtureError) as error:
            raise FixtureError(f"{path.name}: {error}") from error
        if report:
            report(path.name, file_counts)
        counts.update(file_counts)
    uncited = [str(fact) for model in FACTS for fact in model.objects.uncited()]
    if uncited:
        raise FixtureError(f"Facts without a citation: {'; '.join(uncited[:20])}")
    requests_derive(request_ids=AidRequest.objects.values_list("pk", flat=True))
    return counts
