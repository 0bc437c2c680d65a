"""The reported history of requests: the status each had on every day, as the articles
published by then reported it (StatusSpan), rebuilt whenever what it derives from changes."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from ..models import AidRequest, AidResponse, Citation, SourceArticle, StatusSpan

BATCH = 2000


def spans_derive(first_reported, answers: list[tuple]) -> list[tuple]:
    """(status, from, until) over time for a request first reported on `first_reported`, from
    its decisive `answers` as (responded_on, id, first reported on, status): on each day, the
    latest answer known by then gives the status (none: pending)."""
    if first_reported is None:
        return []
    days = sorted({first_reported, *(max(a[2], first_reported) for a in answers if a[2])})
    spans: list[list] = []
    for day in days:
        known = [answer for answer in answers if answer[2] and answer[2] <= day]
        status = max(known)[3] if known else AidRequest.Status.PENDING
        if spans and spans[-1][0] == status:
            continue
        if spans:
            spans[-1][2] = day
        spans.append([status, day, None])
    return [tuple(span) for span in spans]


def requests_history_refresh(*, request_ids: Iterable[int]) -> None:
    """Rebuild the reported history of these requests, a few queries per 2,000 of them (the
    one rule, for one request after an edit as for a whole load of fixtures or data)."""
    ids = sorted(set(request_ids))
    for chunk in (ids[start : start + BATCH] for start in range(0, len(ids), BATCH)):
        firsts = dict(
            AidRequest.objects.filter(pk__in=chunk).values_list("pk", "first_reported_on")
        )
        answers = defaultdict(list)
        rows = (
            AidResponse.objects.filter(request__in=chunk)
            .exclude(decision=AidResponse.Decision.NO_COMMENT)
            .values_list("request", "responded_on", "pk", "first_reported_on", "decision")
        )
        for request_id, *answer in rows:
            answers[request_id].append(tuple(answer))
        kept = defaultdict(list)
        spans = StatusSpan.objects.filter(request__in=chunk).order_by("request", "known_from")
        for request_id, *span in spans.values_list(
            "request", "status", "known_from", "known_until"
        ):
            kept[request_id].append(tuple(span))
        derived = {pk: spans_derive(first, answers[pk]) for pk, first in firsts.items()}
        # Only histories that changed are written again: an unchanged reload writes nothing.
        changed = [pk for pk in derived if derived[pk] != kept[pk]]
        StatusSpan.objects.filter(request__in=changed).delete()
        StatusSpan.objects.bulk_create(
            StatusSpan(request_id=pk, status=status, known_from=start, known_until=until)
            for pk in changed
            for status, start, until in derived[pk]
        )


def requests_reported_by(record) -> list[int]:
    """The requests whose history a write of this citation or article can change."""
    if isinstance(record, SourceArticle):
        cited = Q(citations__source=record) | Q(responses__citations__source=record)
        return list(AidRequest.objects.filter(cited).values_list("pk", flat=True).distinct())
    if isinstance(record, Citation) and record.request_id:
        return [record.request_id]
    if isinstance(record, Citation) and record.response_id:
        answer = AidResponse.objects.filter(pk=record.response_id)
        return list(answer.values_list("request", flat=True))
    return []
