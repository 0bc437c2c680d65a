"""What the tracker said at a moment (`recorded_at`): every read of the record as it stood then,
from the history tables (django-simple-history).

A pinned read runs in one transaction on the primary, in which each curated table (and each of
their many-to-many links) is shadowed by a temporary view of the same name, built from its
history: the latest history row of each record at the moment, unless that row is its deletion.
Every query of the views, filters, serializers and exports then reads the record as it stood,
joins included, and what the database derives (each fact's first report, a request's reported
history for `as_of`) is derived again from it. Temporary names come first in both databases'
name lookup; the transaction is rolled back, so the views never outlive the read.

Also here: what changed in a record since a moment, and a fact's corrections after its first
publication, both read from the same history.
"""

import datetime
import threading
from contextlib import contextmanager

from django import forms
from django.core.cache import caches
from django.db import connections, transaction
from django.db.models.signals import post_init
from django.utils import timezone
from django.utils.text import capfirst

from .linked_data import view_citation
from .models import CURATED, AidRequest, AidResponse, DataRelease, StatusSpan
from .triggers import _earliest_report, _request_words

PRIMARY = "default"
# What a curator sees of an edit is its fields; these only count it.
BOOKKEEPING = {"id", "created_at", "updated_at", "version"}


class MomentField(forms.CharField):
    """An ISO 8601 date and time; UTC when it has no offset; a bare date is the end of that day
    in UTC. Cleaned to an aware datetime in UTC."""

    default_error_messages = {
        "invalid": "Enter an ISO 8601 date and time, e.g. 2024-12-01T09:00:00Z, or a date "
        "(YYYY-MM-DD: the end of that day, UTC)."
    }

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        if len(value) > 40:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            if len(value) == 10:
                day = datetime.date.fromisoformat(value)
                return datetime.datetime.combine(day, datetime.time.max, tzinfo=datetime.UTC)
            moment = datetime.datetime.fromisoformat(value)
            if moment.tzinfo is None:
                return moment.replace(tzinfo=datetime.UTC)
            return moment.astimezone(datetime.UTC)
        except (ValueError, OverflowError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class RecordedAtForm(forms.Form):
    """The moment of a pinned read, on every page, CSV and API read."""

    recorded_at = MomentField(
        required=False,
        label="As recorded at",
        help_text="An ISO 8601 date and time, e.g. 2024-12-01T09:00:00Z (UTC when no offset is "
        "given; a date alone is the end of that day, UTC): the records as this tracker held "
        "them at that moment, before any later correction.",
    )


def _literal(connection, moment: datetime.datetime) -> str:
    """The moment as an SQL literal (a view's definition takes no parameters); made from a
    datetime, never from the reader's text."""
    if connection.vendor == "postgresql":
        return f"'{moment.isoformat()}'::timestamptz"
    return f"'{connection.ops.adapt_datetimefield_value(moment)}'"


def _pinned(model) -> str:
    return f"pinned_{model._meta.db_table}"


def _history_columns(model) -> set[str]:
    return {field.column for field in model.history.model._meta.concrete_fields}


def _column(connection, model, field) -> str:
    """The SQL of one column of `model` as it stood, read from its pinned history row `h`."""
    if field.column in _history_columns(model):
        return f'h."{field.column}"'
    if field.name == "first_reported_on":
        # Derived from the pinned citations and articles, as the database derives it today.
        return _earliest_report(model, "h")
    if field.name == "search_document" and connection.vendor == "postgresql":
        # As the database makes it today, from the words and quotes as they stood.
        return _request_words("h")
    return "NULL"


def _statements(connection, moment: datetime.datetime) -> list[str]:
    """The temporary views of every curated table as it stood at `moment`, in an order where
    each view reads only views made before it (PostgreSQL binds names when a view is made)."""
    at = _literal(connection, moment)
    # Articles and citations first: each fact's first report is read from them; then answers,
    # whose quotes are among their requests' words.
    first = ["sourcearticle", "citation", "aidresponse"]

    def rank(model) -> int:
        name = model._meta.model_name
        return first.index(name) if name in first else len(first)

    ordered = sorted(CURATED, key=rank)
    statements = []
    for model in ordered:
        history = model.history.model._meta.db_table
        statements.append(
            f'CREATE TEMP VIEW "{_pinned(model)}" AS SELECT h.* FROM "{history}" h '
            f"WHERE h.history_date <= {at} AND h.history_type <> '-' AND NOT EXISTS ("
            f'SELECT 1 FROM "{history}" l WHERE l.id = h.id AND l.history_date <= {at} AND '
            "(l.history_date > h.history_date OR "
            "l.history_date = h.history_date AND l.history_id > h.history_id))"
        )
        columns = ", ".join(
            f'{_column(connection, model, field)} AS "{field.column}"'
            for field in model._meta.concrete_fields
        )
        table = model._meta.db_table
        statements.append(
            f'CREATE TEMP VIEW "{table}" AS SELECT {columns} FROM "{_pinned(model)}" h'
        )
    for model in CURATED:
        for field in model._meta.local_many_to_many:
            statements.append(_links(model, field))
    statements.append(_spans())
    return statements


def _links(model, field) -> str:
    """A many-to-many link table as it stood: the links each record's pinned history row holds.
    A link to itself (a response's conflicting reports) is kept on both sides, and only one
    side's history recorded the last change: the later of the two rows says."""
    through = field.remote_field.through._meta
    history = model.history.model._meta.db_table
    table = f"{history}_{field.name}"
    source, target = (f.column for f in through.get_fields() if f.is_relation and f.many_to_one)
    pinned = _pinned(model)
    if field.remote_field.model is not model:
        return (
            f'CREATE TEMP VIEW "{through.db_table}" AS SELECT m.m2m_history_id AS id, '
            f'm."{source}", m."{target}" FROM "{table}" m '
            f'WHERE m.history_id IN (SELECT history_id FROM "{pinned}")'
        )
    later = (
        "(a.history_date > b.history_date OR "
        "a.history_date = b.history_date AND a.history_id > b.history_id)"
    )
    rows = (
        f'FROM "{table}" m JOIN "{pinned}" a ON a.history_id = m.history_id '
        f'JOIN "{pinned}" b ON b.id = m."{target}" WHERE {later}'
    )
    return (
        f'CREATE TEMP VIEW "{through.db_table}" AS '
        f'SELECT m.m2m_history_id AS id, m."{source}", m."{target}" {rows} '
        f'UNION ALL SELECT -m.m2m_history_id, m."{target}", m."{source}" {rows}'
    )


def _spans() -> str:
    """Requests' reported history (StatusSpan) derived from the pinned requests and answers, by
    the rule of services.history.spans_derive: on each day a request or an answer of it was
    first reported, the latest answer known by then gives the status (none: pending); the spans
    run from one such day to the next (repeats are not merged: each day still has one)."""
    requests, responses = AidRequest._meta.db_table, AidResponse._meta.db_table
    no_comment = AidResponse.Decision.NO_COMMENT.value
    pending = AidRequest.Status.PENDING.value
    return (
        f'CREATE TEMP VIEW "{StatusSpan._meta.db_table}" AS '
        "WITH days AS ("
        f'SELECT r.id AS request_id, r.first_reported_on AS day FROM "{requests}" r '
        "WHERE r.first_reported_on IS NOT NULL UNION "
        "SELECT r.id, CASE WHEN a.first_reported_on > r.first_reported_on "
        "THEN a.first_reported_on ELSE r.first_reported_on END "
        f'FROM "{responses}" a JOIN "{requests}" r ON r.id = a.request_id '
        f"WHERE a.decision <> '{no_comment}' AND a.first_reported_on IS NOT NULL "
        "AND r.first_reported_on IS NOT NULL) "
        "SELECT ROW_NUMBER() OVER (ORDER BY d.request_id, d.day) AS id, d.request_id, "
        f'COALESCE((SELECT a.decision FROM "{responses}" a WHERE a.request_id = d.request_id '
        f"AND a.decision <> '{no_comment}' AND a.first_reported_on <= d.day "
        f"ORDER BY a.responded_on DESC, a.id DESC LIMIT 1), '{pending}') AS status, "
        "d.day AS known_from, "
        "LEAD(d.day) OVER (PARTITION BY d.request_id ORDER BY d.day) AS known_until "
        "FROM days d"
    )


@contextmanager
def pinned(moment: datetime.datetime):
    """Read the record as it stood at `moment` inside the block; yields the records loaded
    meanwhile ({model: {id: instance}}), the ones a page shows. Nothing is written."""
    loaded: dict = {}
    # The signal is the process's: other threads' requests load records meanwhile.
    thread = threading.get_ident()

    def collect(sender, instance, **kwargs):
        if sender in CURATED and instance.pk is not None and threading.get_ident() == thread:
            loaded.setdefault(sender, {})[instance.pk] = instance

    connection = connections[PRIMARY]
    # On the primary: a replica is read-only, and a temporary view is a write of the session.
    with transaction.atomic(using=PRIMARY):
        with connection.cursor() as cursor:
            for statement in _statements(connection, moment):
                cursor.execute(statement)
        post_init.connect(collect)
        try:
            yield loaded
        finally:
            post_init.disconnect(collect)
            transaction.set_rollback(True, using=PRIMARY)


def first_recorded(model, **lookup) -> datetime.datetime | None:
    """When a record was first recorded, if it ever was (deleted since or not)."""
    history = model.history.model.objects.filter(**lookup)
    return history.order_by("history_date").values_list("history_date", flat=True).first()


def shown_fields(model) -> list:
    """The fields a reader sees of a record and a curator edits: what a correction changes."""
    tracked = _history_columns(model)
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable and field.column in tracked and field.name not in BOOKKEEPING
    ]


def _value(field, value):
    """A field's value as a reader sees it: the label of a choice; a record's id until
    `_name_records` names it."""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return "—" if value in (None, "") else value


def _differences(model, before, after) -> list[dict]:
    return [
        {
            "field": capfirst(field.verbose_name),
            "model": field.related_model if field.is_relation else None,
            "before": _value(field, getattr(before, field.attname)),
            "after": _value(field, getattr(after, field.attname)),
        }
        for field in shown_fields(model)
        if getattr(before, field.attname) != getattr(after, field.attname)
    ]


def _name_records(differences: list[dict]) -> None:
    """Name the records that changed fields point to, one query per kind of record."""
    wanted: dict = {}
    for difference in differences:
        if difference["model"] is not None:
            for side in ("before", "after"):
                if difference[side] != "—":
                    wanted.setdefault(difference["model"], set()).add(difference[side])
    names = {model: model.objects.in_bulk(ids) for model, ids in wanted.items()}
    for difference in differences:
        if difference["model"] is not None:
            for side in ("before", "after"):
                pk = difference[side]
                if pk != "—":
                    difference[side] = str(names[difference["model"]].get(pk, f"#{pk}"))


def changes_since(loaded: dict, moment: datetime.datetime) -> list[dict]:
    """What changed, since `moment`, in the records a pinned page showed: each record with the
    time of its last change, whether it was deleted, and the fields that differ now. One query
    per kind of record shown."""
    changes = []
    for model, records in list(loaded.items()):
        later = model.history.filter(id__in=list(records), history_date__gt=moment).order_by(
            "id", "history_date", "history_id"
        )
        last = {row.id: row for row in later}
        for pk, row in sorted(last.items()):
            record = records[pk]
            changes.append(
                {
                    "record": record,
                    "kind": model._meta.verbose_name,
                    "at": row.history_date,
                    "deleted": row.history_type == "-",
                    "fields": [] if row.history_type == "-" else _differences(model, record, row),
                }
            )
    _name_records([field for change in changes for field in change["fields"]])
    return sorted(changes, key=lambda change: change["at"])


def corrections(records, until: datetime.datetime | None = None):
    """Give each record `corrected`: the edits of what a reader sees of it after it was first
    published (by `until`, if given), oldest first, each as {"at", "fields": [{"field",
    "before", "after"}]}; in one query per kind of record, and one per kind of record named."""
    by_model: dict = {}
    for record in records:
        by_model.setdefault(type(record), []).append(record)
    for model, group in by_model.items():
        rows = model.history.filter(id__in=[record.pk for record in group]).order_by(
            "id", "history_date", "history_id"
        )
        if until is not None:
            rows = rows.filter(history_date__lte=until)
        previous: dict = {}
        edits: dict = {}
        for row in rows:
            before, previous[row.id] = previous.get(row.id), row
            changed = before is not None and row.history_type != "-"
            if changed and (fields := _differences(model, before, row)):
                edits.setdefault(row.id, []).append({"at": row.history_date, "fields": fields})
        for record in group:
            record.corrected = edits.get(record.pk, [])
    _name_records(
        [field for record in records for edit in record.corrected for field in edit["fields"]]
    )
    return records


def is_fixed(moment: datetime.datetime, now: datetime.datetime) -> bool:
    """Whether a pinned read can no longer change: its moment is past by more than any write's
    transaction lasts (a write is dated when it is made and seen when it commits)."""
    return moment <= now - SETTLED


SETTLED = datetime.timedelta(minutes=1)


def permalink(request) -> tuple[datetime.datetime, str | None]:
    """The moment a 'Cite this view' link pins, and the data release its citations name.

    The moment is the first read of the current data version (aidtracker/cache.py), rounded
    up to the second. Every write committed before that read is dated before it, and none
    since (a write raises the version), so every read of a version pins the same moment and a
    page stays the same from one read to the next, as its ETag says. The release is the
    latest, read with the version (a release raises it too). Where no version was read, now,
    rounded up, and the latest release by then."""
    version = getattr(request, "data_version", None)
    if version is None:
        return pinned_at(_second_after(timezone.now()))
    moment = caches["pages"].get_or_set(
        f"permalink-moment:{version}", lambda: _second_after(timezone.now())
    )
    return moment, request.latest_release


def pinned_at(moment: datetime.datetime) -> tuple[datetime.datetime, str | None]:
    """A moment, and the number of the latest data release made by then: the one its
    citations name."""
    release = DataRelease.objects.filter(created_at__lte=moment).values_list("number", flat=True)
    return moment, release.first()


def _second_after(now: datetime.datetime) -> datetime.datetime:
    rounded = now.replace(microsecond=0)
    return rounded if rounded == now else rounded + datetime.timedelta(seconds=1)


def context(request) -> dict:
    """Every page's context: how to cite it ('Cite this view'), and, on a pinned read, its
    moment and what has changed since in the records it shows (asked at the foot of the page,
    once every record it shows is loaded)."""
    moment = getattr(request, "recorded_at", None)

    def cite() -> dict:
        # Asked only by a page that shows it: the admin's pages never do.
        cited = getattr(request, "cited", None) or permalink(request)
        return view_citation(request, request.path, request.GET, *cited)

    found = {"cite": cite}
    if moment is not None:
        current = request.GET.copy()
        del current["recorded_at"]
        found["recorded"] = {
            "moment": moment,
            "current": f"{request.path}?{current.urlencode()}" if current else request.path,
            "changes": lambda: changes_since(request.recorded_loaded, moment),
        }
    return found
