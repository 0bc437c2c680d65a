"""Lists as CSV: requests (the page's download link and the API's ?format=csv), aid, events
and actions."""

import csv
from functools import reduce
from itertools import islice
from operator import or_

from django.db import connection
from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.functions import Cast, Coalesce, Concat
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse

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
    "quantity_text",
    "made_on",
    "made_on_precision",
    "channel",
    "mode",
    "current_stance",
    "current_stance_position",
    "latest_response_on",
    "review_state",
]


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell):
    """The cell, with text that a spreadsheet would run as a formula prefixed with a quote.

    Only text: a negative number is a number, not a formula."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


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
        aid_request.quantity if aid_request.quantity is not None else "",
        aid_request.quantity_text,
        aid_request.made_on.isoformat(),
        aid_request.made_on_precision,
        aid_request.channel,
        aid_request.mode,
        stance.title if stance else "",
        stance.position if stance else "",
        latest.responded_on.isoformat() if latest else "",
        aid_request.review_state,
    ]


def streamed_csv(header: list[str], rows, filename: str) -> StreamingHttpResponse:
    """A CSV download written row by row as `rows` (lists of cells) are produced."""
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([spreadsheet_safe(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _formula_safe(name: str):
    """spreadsheet_safe() in SQL, by the same rule: text a spreadsheet would run as a formula
    gets a quote in front."""
    formula = reduce(or_, (Q(**{f"{name}__startswith": start}) for start in FORMULA_STARTS))
    return Case(
        When(formula, then=Concat(Value("'"), F(name))),
        default=F(name),
        output_field=CharField(),
    )


def _copied_columns(request: HttpRequest) -> tuple[dict, dict]:
    """The CSV's columns as SQL, in HEADER's order: the text ones (made formula-safe), and the
    others (numbers and dates, which cannot start a formula)."""
    base = request.build_absolute_uri(reverse("tracker:request-list"))
    texts = {
        "url": Concat(Value(base), Cast("pk", CharField()), Value("/")),
        "title": "title",
        "status": "status",
        "requester": "requester__name",
        "addressee": "addressee__name",
        "voiced_by": "voiced_by__name",
        "item": "item__name",
        "category": "item__category",
        "lethality": "item__lethality",
        "quantity_text": "quantity_text",
        "made_on_precision": "made_on_precision",
        "channel": "channel",
        "mode": "mode",
        "current_stance": "latest_response__stance__title",
        "current_stance_position": "latest_response__stance__position",
        "review_state": "review_state",
    }
    others = {
        "id": F("pk"),
        "quantity": F("quantity"),
        "made_on": F("made_on"),
        "latest_response_on": F("latest_response__responded_on"),
    }
    texts = {
        name: Coalesce(Cast(column, CharField()), Value(""), output_field=CharField())
        for name, column in texts.items()
    }
    return texts, others


def copied_csv(request: HttpRequest, queryset, filename: str) -> StreamingHttpResponse:
    """The request CSV written by PostgreSQL itself (COPY … TO STDOUT), streamed as it comes:
    the same columns and formula-safe cells as the Python path, without a Python object per
    row."""
    texts, others = _copied_columns(request)
    rows = (
        queryset.select_related(None)
        .prefetch_related(None)
        .annotate(**{f"text_{name}": column for name, column in texts.items()})
        .annotate(**{f"csv_{name}": _formula_safe(f"text_{name}") for name in texts})
        .annotate(**{f"csv_{name}": column for name, column in others.items()})
        .values_list(*(f"csv_{name}" for name in HEADER))
    )
    sql, params = rows.query.sql_with_params()

    def chunks():
        yield (",".join(HEADER) + "\n").encode()
        statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
        with connection.cursor() as cursor, cursor.cursor.copy(statement, params) as copy:
            for data in copy:
                yield bytes(data)

    response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def requests_csv(request: HttpRequest, queryset, day=None) -> StreamingHttpResponse:
    """Stream every request of `queryset` (loaded with for_listing()) as CSV rows; as the
    sources reported them by `day`, if given. On PostgreSQL, today's rows are written by the
    database (copied_csv)."""
    if day is None and connection.vendor == "postgresql":
        return copied_csv(request, queryset, "aid-requests.csv")
    return written_csv(request, queryset, day)


def written_csv(request: HttpRequest, queryset, day=None) -> StreamingHttpResponse:
    """The request CSV written row by row in Python, restated as of `day` if given."""

    def rows():
        records = queryset.iterator(chunk_size=CHUNK)
        while chunk := list(islice(records, CHUNK)):
            for aid_request in restate(chunk, day) if day else chunk:
                yield _row(request, aid_request, query)

    # A view of the past says so in its name, and its links open the pages of that day.
    query, name = (
        (f"?as_of={day}", f"aid-requests-as-of-{day}.csv") if day else ("", "aid-requests.csv")
    )
    return streamed_csv(HEADER, rows(), name)


def _cells(request: HttpRequest, record, columns: dict) -> list:
    return [
        request.build_absolute_uri(record.get_absolute_url()),
        *(value(record) for value in columns.values()),
    ]


def records_csv(
    request: HttpRequest, queryset, columns: dict, filename: str
) -> StreamingHttpResponse:
    """Stream the records of a list as CSV: their page's address, then `columns` ({header:
    function of a record})."""
    records = queryset.iterator(chunk_size=CHUNK)
    rows = (_cells(request, record, columns) for record in records)
    return streamed_csv(["url", *columns], rows, filename)


def _name(actor) -> str:
    return actor.name if actor else ""


CONTRIBUTION_COLUMNS = {
    "slug": lambda c: c.slug,
    "donor": lambda c: c.donor.name,
    "recipient": lambda c: c.recipient.name,
    "intermediary": lambda c: _name(c.intermediary),
    "description": lambda c: c.description,
    "item": lambda c: c.item.name if c.item else "",
    "quantity": lambda c: c.quantity if c.quantity is not None else "",
    "quantity_text": lambda c: c.quantity_text,
    "amount": lambda c: c.amount if c.amount is not None else "",
    "currency": lambda c: c.currency,
    "amount_qualifier": lambda c: c.amount_qualifier,
    "amount_usd": lambda c: c.amount_usd if c.amount_usd is not None else "",
    "amount_usd_qualifier": lambda c: c.amount_usd_qualifier,
    "status": lambda c: c.status,
    "given_on": lambda c: c.given_on.isoformat() if c.given_on else "",
    "given_on_precision": lambda c: c.given_on_precision,
    "review_state": lambda c: c.review_state,
}
EVENT_COLUMNS = {
    "slug": lambda e: e.slug,
    "title": lambda e: e.title,
    "kind": lambda e: e.kind,
    "occurred_on": lambda e: e.occurred_on.isoformat(),
    "occurred_on_precision": lambda e: e.occurred_on_precision,
    "location": lambda e: e.location,
    "summary": lambda e: e.summary,
    "review_state": lambda e: e.review_state,
}
ACTION_COLUMNS = {
    "slug": lambda a: a.slug,
    "actor": lambda a: a.actor.name,
    "counterpart": lambda a: a.counterpart.name,
    "kind": lambda a: a.kind,
    "occurred_on": lambda a: a.occurred_on.isoformat(),
    "occurred_on_precision": lambda a: a.occurred_on_precision,
    "summary": lambda a: a.summary,
    "request_id": lambda a: a.request_id or "",
    "review_state": lambda a: a.review_state,
}
