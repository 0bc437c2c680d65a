"""The request list as CSV, for the page's download link and the API's ?format=csv."""

import csv
from itertools import islice

from django.http import HttpRequest, StreamingHttpResponse

from .models import AidRequest
from .past import restate

CHUNK = 2000

HEADER = [
    "id",
    "url",
    "title",
    "status",
    "requester",
    "addressee",
    "voiced_by",
    "item",
    "category",
    "lethality",
    "quantity",
    "made_on",
    "made_on_precision",
    "channel",
    "mode",
    "current_stance",
    "current_stance_position",
    "latest_response_on",
]


class _Echo:
    """A file-like object whose write returns the line, so rows stream as they are written."""

    def write(self, value: str) -> str:
        return value


def _row(request: HttpRequest, aid_request: AidRequest, query: str) -> list:
    stance = aid_request.current_stance
    latest = aid_request.latest_response
    return [
        aid_request.pk,
        request.build_absolute_uri(aid_request.get_absolute_url() + query),
        aid_request.title,
        aid_request.status,
        aid_request.requester.name,
        aid_request.addressee.name,
        aid_request.voiced_by.name if aid_request.voiced_by else "",
        aid_request.item.name,
        aid_request.item.category,
        aid_request.item.lethality,
        aid_request.quantity or "",
        aid_request.made_on.isoformat(),
        aid_request.made_on_precision,
        aid_request.channel,
        aid_request.mode,
        stance.title if stance else "",
        stance.position if stance else "",
        latest.responded_on.isoformat() if latest else "",
    ]


def requests_csv(request: HttpRequest, queryset, day=None) -> StreamingHttpResponse:
    """Stream every request of `queryset` (loaded with for_listing()) as CSV rows; as the
    sources reported them by `day`, if given."""
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(HEADER)
        rows = queryset.iterator(chunk_size=CHUNK)
        while chunk := list(islice(rows, CHUNK)):
            for aid_request in restate(chunk, day) if day else chunk:
                yield writer.writerow(_row(request, aid_request, query))

    # A view of the past says so in its name, and its links open the pages of that day.
    query, name = (
        (f"?as_of={day}", f"aid-requests-as-of-{day}.csv") if day else ("", "aid-requests.csv")
    )
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
