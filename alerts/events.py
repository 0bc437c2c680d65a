"""What a write tells followers, recorded in the outbox in the writer's own transaction: the
services (requests_app/services/) call these, so a write that is rolled back tells nobody."""

from django.contrib.contenttypes.models import ContentType

from requests_app.models import (
    Action,
    AidRequest,
    AidResponse,
    Citation,
    Contribution,
    PolicyStance,
    Role,
)
from requests_app.models import Event as ContextEvent

from .models import Event

CREATED = {
    AidRequest: Event.Type.REQUEST_CREATED,
    AidResponse: Event.Type.RESPONSE_CREATED,
    Action: Event.Type.ACTION_CREATED,
    PolicyStance: Event.Type.STANCE_CREATED,
}


def subjects(record) -> list[str]:
    """What one can follow that `record` involves: its request, actors, item and stance."""
    keys: list[tuple[str, int | None]] = []
    match record:
        case AidRequest():
            keys += [("request", record.pk), ("item", record.item_id)]
            keys += [("actor", record.requester_id), ("actor", record.addressee_id)]
            keys += [("actor", record.voiced_by_id)]
        case AidResponse():
            keys += [("actor", record.responder_id), ("actor", record.voiced_by_id)]
            keys += [("stance", record.stance_id)]
            return sorted({*_keys(keys), *subjects(record.request)})
        case Action():
            keys += [("actor", record.actor_id), ("actor", record.counterpart_id)]
            keys += [("request", record.request_id)]
        case PolicyStance():
            keys += [("stance", record.pk), ("actor", record.holder_id)]
            keys += [("actor", record.voiced_by_id)]
        case Contribution():
            keys += [("actor", record.donor_id), ("actor", record.recipient_id)]
            keys += [("actor", record.intermediary_id), ("item", record.item_id)]
            keys += [("request", record.request_id)]
        case ContextEvent():
            keys += [("actor", pk) for pk in record.actors.values_list("pk", flat=True)]
        case Role():
            keys += [("actor", record.person_id), ("actor", record.organisation_id)]
    return sorted(_keys(keys))


def _keys(keys) -> set[str]:
    return {f"{kind}:{pk}" for kind, pk in keys if pk is not None}


def _event(event_type: str, record, *, about: list[str], change: dict | None = None) -> Event:
    return Event(
        type=event_type,
        record_type=ContentType.objects.get_for_model(record),
        record_id=record.pk,
        subjects=about,
        change=change or {},
    )


def _record(event_type: str, record, *, about: list[str], change: dict | None = None) -> None:
    _event(event_type, record, about=about, change=change).save()


def _before(record):
    """The record as it was before the save that just wrote it (its history), or None if that
    save created it."""
    saved = record.history.first()
    return saved.prev_record if saved and saved.history_type == "~" else None


def _newly_set(record, field: str) -> bool:
    """Whether the save that just wrote `record` gave `field` its value."""
    before = _before(record)
    return before is None or getattr(before, field) != getattr(record, field)


def record_saved(record) -> None:
    """Record the events that the save that just wrote `record` makes: a new request,
    response, action or stance; a stance superseding another; a citation disputing its fact."""
    if type(record) in CREATED and _before(record) is None:
        _record(CREATED[type(record)], record, about=subjects(record))
    if (
        isinstance(record, PolicyStance)
        and record.supersedes_id
        and _newly_set(record, "supersedes_id")
    ):
        older = record.supersedes
        _record(
            Event.Type.STANCE_SUPERSEDED,
            older,
            about=sorted({*subjects(older), *subjects(record)}),
            change={"superseded_by": record.pk},
        )
    if (
        isinstance(record, Citation)
        and record.relation == Citation.Relation.DISPUTES
        and _newly_set(record, "relation")
    ):
        fact = record.target
        _record(
            Event.Type.FACT_DISPUTED, fact, about=subjects(fact), change={"citation": record.pk}
        )


def statuses_changed(changes: list[tuple[AidRequest, str]]) -> None:
    """Record that each request's derived status changed from the status given with it."""
    Event.objects.bulk_create(
        _event(
            Event.Type.REQUEST_STATUS_CHANGED,
            aid_request,
            about=subjects(aid_request),
            change={"from": before, "to": aid_request.status},
        )
        for aid_request, before in changes
    )
