"""Writes that touch several models. The admin, the API and the fixture loader all come here."""

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.base import DeserializationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import AidRequest, AidResponse, Citation


@transaction.atomic
def request_refresh_status(*, aid_request: AidRequest) -> AidRequest:
    """Derive a request's status from its latest decisive response (none: pending)."""
    # Lock the request so concurrent writers of its responses derive the status one at a time.
    locked = AidRequest.objects.select_for_update().get(pk=aid_request.pk)
    latest = (
        locked.responses.exclude(decision=AidResponse.Decision.NO_COMMENT)
        .order_by("-responded_on", "-pk")
        .first()
    )
    status = latest.status if latest else AidRequest.Status.PENDING
    if (locked.status, locked.latest_response_id) != (status, latest and latest.pk):
        locked.status = status
        locked.latest_response = latest
        locked.save(update_fields=["status", "latest_response", "updated_at"])
    aid_request.status, aid_request.latest_response = locked.status, locked.latest_response
    aid_request.updated_at = locked.updated_at
    return aid_request


@transaction.atomic
def response_save(*, response: AidResponse) -> AidResponse:
    """Validate and save a response, then re-derive the status of every request it touches."""
    response.full_clean()
    previous_request_id = (
        AidResponse.objects.filter(pk=response.pk).values_list("request_id", flat=True).first()
    )
    response.save()
    request_refresh_status(aid_request=response.request)
    if previous_request_id not in (None, response.request_id):
        request_refresh_status(aid_request=AidRequest.objects.get(pk=previous_request_id))
    return response


@transaction.atomic
def response_delete(*, response: AidResponse) -> None:
    aid_request = response.request
    response.delete()
    request_refresh_status(aid_request=aid_request)


@transaction.atomic
def citation_save(*, citation: Citation) -> Citation:
    """Save a citation whose quote is verified against its article's body."""
    citation.full_clean()
    citation.save()
    return citation


@transaction.atomic
def fact_save(*, fact, citations: Iterable[Citation] = ()):
    """Validate and save any fact, with new citations of it: all of it, or nothing."""
    if isinstance(fact, AidResponse):
        response_save(response=fact)
    else:
        fact.full_clean()
        fact.save()
    for citation in citations:
        setattr(citation, Citation.target_field_for(type(fact)), fact)
        citation_save(citation=citation)
    return fact


def fact_delete(*, fact) -> None:
    """Delete a fact; a response re-derives its request's status."""
    if isinstance(fact, AidResponse):
        response_delete(response=fact)
    else:
        fact.delete()


class FixtureError(Exception):
    """A fixture that cannot be loaded; nothing from it was kept."""


def _field_values(obj, fields) -> list:
    return [field.get_prep_value(field.value_from_object(obj)) for field in fields]


def _fixture_object_save(deserialized, now) -> str:
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
        obj._state.adding = False  # so validation treats it as the row it replaces
        outcome = "updated"
    try:
        obj.full_clean()
    except ValidationError as error:
        raise FixtureError(f"{model._meta.label} “{obj}”: {' '.join(error.messages)}") from error
    deserialized.save()
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
                    file_counts[_fixture_object_save(deserialized, now)] += 1
        except (OSError, DeserializationError, IntegrityError, FixtureError) as error:
            raise FixtureError(f"{path.name}: {error}") from error
        if report:
            report(path.name, file_counts)
        counts.update(file_counts)
    for aid_request in AidRequest.objects.all():
        request_refresh_status(aid_request=aid_request)
    return counts
