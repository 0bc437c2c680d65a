"""Writes of answers: each re-derives the status of the request it answers."""

from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from alerts import events

from ..models import AidRequest, AidResponse, Citation
from .history import requests_history_refresh
from .records import record_delete, record_save, review_lapse


@transaction.atomic
def request_refresh_status(*, aid_request: AidRequest) -> AidRequest:
    """Derive a request's status from its latest decisive response (none: pending), and its
    reported history."""
    # Lock the request so concurrent writers of its responses derive the status one at a time.
    locked = AidRequest.objects.select_for_update().get(pk=aid_request.pk)
    before = (locked.status, locked.latest_response_id)
    locked.take_status_from(locked.responses.decisive().first())
    if (locked.status, locked.latest_response_id) != before:
        locked.save(update_fields=["status", "latest_response", "updated_at"])
    if locked.status != before[0]:
        events.status_changed(aid_request=locked, before=before[0])
    requests_history_refresh(request_ids=[locked.pk])
    aid_request.status, aid_request.latest_response = locked.status, locked.latest_response
    aid_request.updated_at = locked.updated_at
    return aid_request


# How many requests `requests_derive` derives between two reports of its progress.
DERIVED_PER_REPORT = 1_000


def requests_derive(
    *, request_ids: Iterable[int], report: Callable[[int, int], None] | None = None
) -> None:
    """Derive again what the services derive on a write (status, latest answer, reported
    history) for these requests: rows written as they were given (loaddata) skip the services.
    `report(done, total)` hears every `DERIVED_PER_REPORT` requests, and at the end."""
    ids = sorted(set(request_ids))
    for done, pk in enumerate(ids, start=1):
        request_refresh_status(aid_request=AidRequest(pk=pk))
        if report and (done % DERIVED_PER_REPORT == 0 or done == len(ids)):
            report(done, len(ids))


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
    request_refresh_status(aid_request=response.request)
    if before is not None and before.request_id != response.request_id:
        request_refresh_status(aid_request=before.request)
    return response


@transaction.atomic
def response_delete(*, response: AidResponse) -> None:
    """Delete an answer and re-derive its request's status."""
    linked = list(response.conflicts_with.values_list("pk", flat=True))
    record_delete(record=response)
    AidResponse.objects.filter(pk__in=linked).update(updated_at=timezone.now())
    request_refresh_status(aid_request=response.request)
