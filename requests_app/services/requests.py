"""Writes of answers: each re-derives the status of the request it answers."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import chain

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from alerts import events

from ..models import AidRequest, AidResponse, Citation
from ..models.base import locked
from .history import requests_history_refresh
from .records import record_delete, record_save, review_lapse

# How many requests `requests_derive` derives at once, in a few queries.
BATCH = 2_000


@transaction.atomic
def requests_derive(
    *, request_ids: Iterable[int], report: Callable[[int, int], None] | None = None
) -> None:
    """Derive what a write of answers changes (status, latest answer, reported history) for
    these requests, a few queries per `BATCH` of them: the one refresh for a request after an
    edit, a load of fixtures or an import, and the benchmark's generated data. Only requests
    whose status or latest answer changed are written, each with its history record and, if
    its status changed, its event. `report(done, total)` hears after every batch."""
    ids = sorted(set(request_ids))
    for start in range(0, len(ids), BATCH):
        _derive(ids[start : start + BATCH])
        if report:
            report(min(start + BATCH, len(ids)), len(ids))


def _derive(ids: list[int]) -> None:
    # Concurrent writers of their answers derive them one after the other (see `locked`).
    requests = list(locked(AidRequest.objects.filter(pk__in=ids).order_by("pk")))
    latest: dict[int, AidResponse] = {}
    answers = AidResponse.objects.filter(request__in=ids).decisive().only("request", "decision")
    for answer in answers:
        latest.setdefault(answer.request_id, answer)
    now = timezone.now()
    changed, statuses_changed = defaultdict(list), []
    for aid_request in requests:
        before = (aid_request.status, aid_request.latest_response_id)
        aid_request.take_status_from(latest.get(aid_request.pk))
        if (aid_request.status, aid_request.latest_response_id) != before:
            aid_request.updated_at = now
            changed[aid_request.status].append(aid_request)
        if aid_request.status != before[0]:
            statuses_changed.append((aid_request, before[0]))
    # One UPDATE per status, each latest answer picked in SQL as above: a CASE per row
    # (`bulk_update`) costs seconds for a batch the generator makes.
    newest = AidResponse.objects.filter(request=OuterRef("pk")).decisive().values("pk")[:1]
    for status, group in changed.items():
        AidRequest.objects.filter(pk__in=[each.pk for each in group]).update(
            status=status, latest_response=Subquery(newest), updated_at=now
        )
    AidRequest.history.bulk_history_create(chain(*changed.values()), update=True)
    events.statuses_changed(statuses_changed)
    requests_history_refresh(request_ids=ids)


def request_refresh_status(*, aid_request: AidRequest, also: Iterable[int] = ()) -> AidRequest:
    """Derive one request's status from its latest decisive answer (none: pending), and its
    reported history (and those of the requests `also` names, locked with it in id order);
    `aid_request` is given what was derived."""
    requests_derive(request_ids=[aid_request.pk, *also])
    aid_request.refresh_from_db(fields=["status", "latest_response", "updated_at"])
    return aid_request


@transaction.atomic
def response_save(
    *,
    response: AidResponse,
    expected_version: int | None = None,
    conflicts_with: Iterable[AidResponse] | None = None,
    citations: Iterable[Citation] = (),
) -> AidResponse:
    """Save an answer, with the reports it conflicts with and its new citations, and re-derive
    the status of its request (and of the request it was moved from)."""
    before = AidResponse.objects.filter(pk=response.pk).first() if response.pk else None
    linked_before = set(before.conflicts_with.values_list("pk", flat=True)) if before else set()
    related = {} if conflicts_with is None else {"conflicts_with": conflicts_with}
    record_save(
        record=response, expected_version=expected_version, related=related, citations=citations
    )
    # A conflict shows on both reports: the other side of a link made or undone changed too,
    # and awaits a second reader again.
    linked = set(response.conflicts_with.values_list("pk", flat=True))
    AidResponse.objects.filter(pk__in=linked ^ linked_before).update(updated_at=timezone.now())
    for pk in linked ^ linked_before:
        review_lapse(fact=AidResponse(pk=pk), reason="a conflicting report was linked or unlinked")
    moved_from = [] if before is None else [before.request_id]
    request_refresh_status(aid_request=response.request, also=moved_from)
    return response


@transaction.atomic
def response_delete(*, response: AidResponse) -> None:
    """Delete an answer and re-derive its request's status."""
    linked = list(response.conflicts_with.values_list("pk", flat=True))
    record_delete(record=response)
    AidResponse.objects.filter(pk__in=linked).update(updated_at=timezone.now())
    request_refresh_status(aid_request=response.request)
