"""Writes that touch several models. The admin, the API and the fixture loader all come here."""

import datetime
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify

from . import intake
from .models import (
    Actor,
    AidRequest,
    AidResponse,
    Citation,
    DataVersion,
    DatePrecision,
    SourceArticle,
)


@transaction.atomic
def request_refresh_status(*, aid_request: AidRequest) -> AidRequest:
    """Derive a request's status from its latest decisive response (none: pending)."""
    # Lock the request so concurrent writers of its responses derive the status one at a time.
    locked = AidRequest.objects.select_for_update().get(pk=aid_request.pk)
    before = (locked.status, locked.latest_response_id)
    locked.take_status_from(locked.responses.decisive().first())
    if (locked.status, locked.latest_response_id) != before:
        locked.save(update_fields=["status", "latest_response", "updated_at"])
    aid_request.status, aid_request.latest_response = locked.status, locked.latest_response
    aid_request.updated_at = locked.updated_at
    return aid_request


class StaleEdit(Exception):
    """Someone saved the record after the editor loaded it: the edit would overwrite theirs."""

    def __init__(self, record) -> None:
        latest = record.history.select_related("history_user").first()
        who = f" by {latest.history_user}" if latest and latest.history_user else ""
        when = f" at {timezone.localtime(latest.history_date):%H:%M on %d %B %Y}" if latest else ""
        super().__init__(
            f"This {record._meta.verbose_name} was changed{who}{when} after you opened it. "
            "Reload the page to see that change, then make yours again."
        )


def unique_slug(record) -> str:
    """A slug made from the record's name that no other record of its kind has."""
    base = slugify(str(record))[:100].strip("-") or record._meta.model_name
    taken = set(type(record).objects.filter(slug__startswith=base).values_list("slug", flat=True))
    return next(
        candidate
        for candidate in (base, *(f"{base}-{n}" for n in range(2, len(taken) + 3)))
        if candidate not in taken
    )


@transaction.atomic
def record_save(*, record, expected_version: int | None = None, citations: Iterable[Citation] = ()):
    """Validate and save any record, with new citations of it: all of it, or nothing.

    Every save counts a version; given the version an editor started from, a save over a
    newer one is refused (StaleEdit). A response re-derives the status of its request, and
    of the request it was moved from.
    """
    if hasattr(record, "slug") and not record.slug:
        record.slug = unique_slug(record)
    record.full_clean()
    moved_from = None
    if record.pk is not None:
        current = (
            type(record).objects.select_for_update().filter(pk=record.pk).values("version").first()
        )
        if current is not None:
            if expected_version not in (None, current["version"]):
                raise StaleEdit(record)
            record.version = current["version"] + 1
        if isinstance(record, AidResponse):
            moved_from = (
                AidResponse.objects.filter(pk=record.pk)
                .values_list("request_id", flat=True)
                .first()
            )
    record.save()
    DataVersion.objects.bump()
    containers_touch(record)
    if isinstance(record, AidResponse):
        request_refresh_status(aid_request=record.request)
        if moved_from not in (None, record.request_id):
            AidRequest.objects.filter(pk=moved_from).update(updated_at=timezone.now())
            request_refresh_status(aid_request=AidRequest.objects.get(pk=moved_from))
    for citation in citations:
        setattr(citation, Citation.target_field_for(type(record)), record)
        record_save(record=citation)
    return record


@transaction.atomic
def record_delete(*, record) -> None:
    """Delete a record; deleting a response re-derives its request's status."""
    record.delete()
    DataVersion.objects.bump()
    containers_touch(record)
    if isinstance(record, AidResponse):
        request_refresh_status(aid_request=record.request)


def containers_touch(record) -> None:
    """Mark as changed the records the API shows this one inside (a citation in its fact, a
    response in its request), so that clients syncing with changed_since fetch them again."""
    now = timezone.now()
    if isinstance(record, Citation):
        fact = record.target
        type(fact).objects.filter(pk=fact.pk).update(updated_at=now)
        record = fact
    if isinstance(record, AidResponse):
        AidRequest.objects.filter(pk=record.request_id).update(updated_at=now)


class FixtureError(Exception):
    """A fixture that cannot be loaded; nothing from it was kept."""


def _field_values(obj, fields) -> list:
    return [field.get_prep_value(field.value_from_object(obj)) for field in fields]


def _fixture_object_save(deserialized, now, reason: str) -> str:
    """Save one deserialized object unless the database already holds the same facts."""
    obj = deserialized.object
    model = type(obj)
    existing = model._default_manager.filter(pk=obj.pk).first() if obj.pk else None
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    curated = [f for f in fields if f.editable]
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
            if not field.editable:
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


@transaction.atomic
def fixtures_load(*, paths: list[Path], report=None) -> Counter:
    """Load fixtures with natural keys, all or nothing, saving only what changed.

    Every object is validated as the admin would (quotes must occur in their article), and
    request statuses are derived afterwards from the responses loaded.
    """
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
    for aid_request in AidRequest.objects.all():
        request_refresh_status(aid_request=aid_request)
    if counts["created"] or counts["updated"]:
        DataVersion.objects.bump()
    return counts


def partial_date(text: str) -> tuple[datetime.date, str]:
    """'2024-11-28', '2024-11' or '2024' as a date and its precision."""
    formats = {
        "%Y-%m-%d": DatePrecision.DAY,
        "%Y-%m": DatePrecision.MONTH,
        "%Y": DatePrecision.YEAR,
    }
    for date_format, precision in formats.items():
        try:
            return datetime.datetime.strptime(text, date_format).date(), precision
        except ValueError:
            continue
    raise ValueError(f"“{text}” is not a date: give YYYY-MM-DD, YYYY-MM or YYYY.")


@transaction.atomic
def article_import(
    *,
    raw_text: str,
    publisher: Actor | None,
    published_on: str,
    url: str = "",
    title: str = "",
    date_evidence: str = "",
    language: str = "en",
) -> SourceArticle:
    """A new source article from a scraped page's text, cleaned of site furniture."""
    title, body = intake.clean_text(raw_text, title)
    day, precision = partial_date(published_on)
    article = SourceArticle(
        title=title,
        body=body,
        publisher=publisher,
        url=url,
        published_on=day,
        published_on_precision=precision,
        date_evidence=date_evidence or "Given by the curator at import.",
        language=language,
    )
    return record_save(record=article)
