"""What was known when: every read of the record as the sources had reported it by a day.

A fact is known on a day when an article published by then cites it
(`FactQuerySet.known_on`, from the date the database keeps of each fact's first report); a
request's status then is the decision of the latest answer known by then, kept as the
request's history (StatusSpan) by the requests service. Loaded rows are restated here, never
saved.
"""

import datetime

from django.db.models import Max, Min, OuterRef, Q, Subquery
from django.utils import timezone

from .models import AidRequest, AidResponse, PolicyStance, SourceArticle, StatusSpan


def requests_as_of(requests, day: datetime.date, status: str | None = None):
    """The requests that sources had reported by `day` (only those with `status` then, if
    given), with the status they reported then aliased as `status_then`, to sort by
    (`restate()` puts it on loaded rows): both read from what the database keeps, each
    request's first report and its history (StatusSpan)."""
    spans = StatusSpan.objects.on(day)
    if status:
        # A request has a status on a day only once reported: its history starts on its first
        # report. One index lookup answers both, and counts without reading either table.
        known = requests.filter(pk__in=spans.filter(status=status).values("request"))
    else:
        known = requests.known_on(day)
    then = spans.filter(request=OuterRef("pk"))
    return known.alias(status_then=Subquery(then.values("status")[:1]))


def restate(aid_requests: list[AidRequest], day: datetime.date) -> list[AidRequest]:
    """Give each loaded request the status and latest response that the sources had reported
    by `day`, in one query: a view of the past, never to be saved."""
    responses = (
        AidResponse.objects.known_on(day)
        .decisive()
        .filter(request__in=[aid_request.pk for aid_request in aid_requests])
        .select_related("stance")
    )
    latest: dict[int, AidResponse] = {}
    for response in responses:
        latest.setdefault(response.request_id, response)
    for aid_request in aid_requests:
        aid_request.take_status_from(latest.get(aid_request.pk))
    return aid_requests


def stances_on(holders, day: datetime.date | None = None) -> dict:
    """{holder id: its latest stance in force on `day`}, as reported by then; today's if no
    day is given."""
    if not holders:
        return {}  # as the query would answer, without building it
    stances = PolicyStance.objects.filter(holder__in=holders).select_related("holder")
    if day is not None:
        stances = stances.known_on(day)
    return stances.latest_in_force_on(day or timezone.localdate())


def moment(day: datetime.date) -> dict:
    """A view of the past: its day, and the publication days of the reports either side."""
    return {
        "day": day,
        **SourceArticle.objects.aggregate(
            previous=Max("published_on", filter=Q(published_on__lt=day)),
            next=Min("published_on", filter=Q(published_on__gt=day)),
        ),
    }
