"""Pages that stay cheap deep into a large list: numbered pages with a count that stops being
exact where counting would cost more than the page, found from the nearest of the list's
anchors rather than by skipping every row before them, and keyset pages (`cursor`) whose cost
does not grow with depth."""

import base64
import binascii
import functools
import json
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, ValidationError
from django.core.paginator import EmptyPage, InvalidPage, PageNotAnInteger, Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.models import F, OrderBy, Q, QuerySet, Window
from django.db.models.expressions import Col
from django.db.models.functions import RowNumber
from django.db.models.lookups import In
from django.db.models.sql import Query
from django.utils.functional import cached_property

from .kept import kept_per_data_version

# Lists up to this many rows are counted exactly; beyond, PostgreSQL's estimate is given and
# marked as such (counting 100,000 rows costs more than showing a page of them).
EXACT_COUNT_UP_TO = 10_000

# A numbered page starts from the sort key of the last row before the nearest multiple of this
# many rows (the list's anchors, kept per data version), not by skipping every row before it:
# OFFSET read 75,000 index entries for page 3,000 of 100,000 requests (7.7 ms).
ANCHOR_EVERY = 1_000


def bounded_count(queryset) -> tuple[int, bool]:
    """How many rows match, and whether that is an estimate."""
    rows = countable(queryset)
    if connections[queryset.db].vendor != "postgresql":
        return rows.count(), False
    exact = rows[: EXACT_COUNT_UP_TO + 1].count()
    if exact <= EXACT_COUNT_UP_TO:
        return exact, False
    sql, params = rows.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return max(exact, int(plan[0]["Plan"]["Plan Rows"])), True


def countable(queryset):
    """What to count for `queryset`: one value per row. When all it asks is that a row be
    named by a foreign key of another table (the requests with a status on a day:
    `pk__in=StatusSpan.objects.filter(…).values("request")`), the distinct keys are counted
    there: the key's constraint says each names a row, and PostgreSQL would otherwise look each
    one up in this table (counting 3,377 such requests took 5.2 ms, 1.6 from the keys)."""
    rows = queryset.order_by().values("pk")
    keys = foreign_keys_naming(queryset)
    if keys is None:
        return rows
    return QuerySet(keys.model, query=keys.clone(), using=queryset.db).order_by().distinct()


def foreign_keys_naming(queryset) -> Query | None:
    """The subquery of `queryset`'s only condition, `pk IN (…)`, when it selects a column of
    its own table that is a foreign key to that primary key, never empty and enforced by the
    database; None for any other list (joined, limited, negated, combined, or counted
    otherwise)."""
    query, pk = queryset.query, queryset.model._meta.pk
    joined = any(
        query.alias_refcount[alias] for alias in query.alias_map if alias != query.base_table
    )
    if (
        joined
        or query.extra_tables
        or query.is_sliced
        or query.distinct
        or query.combinator
        or query.where.negated
        or len(query.where.children) != 1
        or not connections[queryset.db].features.supports_foreign_keys
    ):
        return None
    (condition,) = query.where.children
    if not (
        isinstance(condition, In)
        and isinstance(condition.lhs, Col)
        and (condition.lhs.alias, condition.lhs.target) == (query.base_table, pk)
        and isinstance(condition.rhs, Query)
    ):
        return None
    keys = condition.rhs
    if (
        keys.is_sliced
        or keys.combinator
        or keys.distinct_fields
        or keys.annotation_select
        or keys.extra_select
        or keys.get_external_cols()
        or len(keys.select) != 1
    ):
        return None
    (column,) = keys.select
    if not (isinstance(column, Col) and column.alias == keys.base_table):
        return None
    key = column.target
    if key.many_to_one and key.db_constraint and not key.null and key.target_field == pk:
        return keys
    return None


class BadCursor(InvalidPage):
    """A `cursor` that this list did not give out."""


@dataclass(frozen=True)
class Position:
    """Where a keyset page starts: the sort key of the row before it, and which way to read."""

    key: tuple
    backwards: bool = False

    def encode(self) -> str:
        text = json.dumps([self.backwards, *self.key], cls=DjangoJSONEncoder)
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str, fields: list) -> "Position":
        try:
            text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            backwards, *key = json.loads(text)
            if not isinstance(backwards, bool) or len(key) != len(fields):
                raise ValueError
            key = tuple(field.to_python(value) for field, value in zip(fields, key, strict=True))
            return cls(key, backwards)
        except (ValueError, TypeError, binascii.Error, ValidationError) as error:
            raise BadCursor("That cursor is not one this list gave out.") from error


class KeysetPage:
    """One keyset page: its rows, and the positions of the pages before and after it."""

    def __init__(self, object_list, paginator, previous: Position | None, next: Position | None):
        self.object_list = object_list
        self.paginator = paginator
        self.previous_position = previous
        self.next_position = next
        self.is_keyset = True

    def has_next(self) -> bool:
        return self.next_position is not None

    def has_previous(self) -> bool:
        return self.previous_position is not None

    @property
    def next_cursor(self) -> str | None:
        return self.next_position.encode() if self.next_position else None

    @property
    def previous_cursor(self) -> str | None:
        return self.previous_position.encode() if self.previous_position else None

    def __len__(self) -> int:
        return len(self.object_list)

    def __iter__(self):
        return iter(self.object_list)


class IdPaginator(Paginator):
    """Finds a page's ids on the bare table first, then loads only those rows with everything
    they join and prefetch: a deep page skips index entries, not joined rows.

    `rows` is the unfiltered queryset the rows are loaded from, so that a costly filter (a
    search) runs to count and to find the ids, not a third time to load them.

    Numbered pages (`page`) skip at most `ANCHOR_EVERY` rows with OFFSET, from the nearest
    anchor before them (see `anchored`); keyset pages (`cursor_page`) start after the sort key
    of the last row seen, on the list's order with the primary key as the last tie-breaker, so
    their cost is the same at any depth and no row repeats or vanishes between pages.
    """

    def __init__(self, object_list, per_page, *args, rows=None, request=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.rows = object_list if rows is None else rows
        # Whose data version the list's anchors are kept for; without one, pages use OFFSET.
        self.request = request

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        """Counted once per data version for each list, as its anchors are: reading the list
        again, or another of its pages, does not count it again."""
        count = functools.partial(bounded_count, self.object_list)
        try:
            address = f"count {countable(self.object_list).query}"
        except EmptyResultSet:  # a condition that no row can meet: nothing to count
            return count()
        return kept_per_data_version(self.request, address, count)

    @cached_property
    def count(self) -> int:
        return self._counted[0]

    @property
    def count_is_estimate(self) -> bool:
        return self._counted[1]

    def _load(self, ids: list) -> list:
        rows = {row.pk: row for row in self.rows.filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = self.object_list.prefetch_related(None).values_list("pk", flat=True)
        passed = bottom // ANCHOR_EVERY
        if passed and self.anchored:
            anchors = kept_per_data_version(self.request, f"anchors {ids.query}", self.anchors)
            if passed > len(anchors):
                return self._get_page([], number, self)
            ids = ids.filter(beyond(self.ordering, anchors[passed - 1], backwards=False))
            bottom -= passed * ANCHOR_EVERY
        if self.anchored:
            ids = ids.order_by(*(key.order(backwards=False) for key in self.ordering))
        return self._get_page(self._load(list(ids[bottom : bottom + self.per_page])), number, self)

    @cached_property
    def anchored(self) -> bool:
        """Whether numbered pages start from the list's anchors: when a data version keeps
        them and the list's order can be read by key (as for `cursor`). Its pages are then
        sorted on that order, with the primary key last, near an anchor or not."""
        if getattr(self.request, "data_version", None) is None:
            return False
        try:
            return bool(self.ordering)
        except BadCursor:
            return False

    def anchors(self) -> list[tuple]:
        """The sort key of every `ANCHOR_EVERY`th row of the list, in order: one read of the
        list's order by its index, numbering the rows."""
        order = [key.order(backwards=False) for key in self.ordering]
        names = {f"anchor_key_{i}": F(key.name) for i, key in enumerate(self.ordering)}
        rows = (
            self.object_list.prefetch_related(None)
            .order_by()
            .annotate(anchor_number=Window(RowNumber(), order_by=order), **names)
            .annotate(anchor_remainder=F("anchor_number") % ANCHOR_EVERY)
            .filter(anchor_remainder=0)
            .values_list("anchor_number", *names)
        )
        # Sorted here: the database would sort every row it numbered, not only the anchors.
        return [key for _, *key in sorted(rows)]

    def validate_number(self, number):
        # With an estimated count, a page past the estimate may still hold rows: it is shown
        # (empty if it holds none) rather than refused.
        if not self.count_is_estimate:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer.") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1.")
        return number

    @cached_property
    def ordering(self) -> list["SortKey"]:
        """The list's sort keys, ending with the primary key."""
        query = self.object_list.query
        model = self.object_list.model
        terms = list(query.order_by or model._meta.ordering)
        keys = []
        for term in terms:
            for key in sort_keys(model, term, self.object_list.db):
                if all(key.name != seen.name for seen in keys):  # a repeat decides nothing
                    keys.append(key)
        if all(key.name != "pk" for key in keys):
            keys.append(SortKey("pk", model._meta.pk))
        return keys

    def cursor_page(self, token: str) -> KeysetPage:
        """The page after (or, reading backwards, before) the position `token` names; the
        first page when `token` is empty."""
        position = Position.decode(token, [key.field for key in self.ordering]) if token else None
        backwards = position is not None and position.backwards
        queryset = self.object_list.prefetch_related(None)
        if position is not None:
            queryset = queryset.filter(beyond(self.ordering, position.key, backwards))
        names = {f"cursor_key_{i}": F(key.name) for i, key in enumerate(self.ordering)}
        found = list(
            queryset.order_by(*(key.order(backwards) for key in self.ordering))
            .annotate(**names)
            .values_list("pk", *names)[: self.per_page + 1]
        )
        more = len(found) > self.per_page
        found = found[: self.per_page]
        if backwards:
            found.reverse()
        rows = self._load([pk for pk, *_ in found])
        if not found:
            return KeysetPage(rows, self, None, None)
        first, last = tuple(found[0][1:]), tuple(found[-1][1:])
        if backwards:
            previous = Position(first, backwards=True) if more else None
            following = Position(last)
        else:
            previous = Position(first, backwards=True) if position is not None else None
            following = Position(last) if more else None
        return KeysetPage(rows, self, previous, following)


class _Text:
    """The field of an alias in a cursor (the status reported on a day): text, never empty."""

    null = False

    @staticmethod
    def to_python(value):
        if not isinstance(value, str):
            raise ValueError(value)
        return value


@dataclass(frozen=True)
class SortKey:
    """One key of a list's order, with where its empty values sort, as the database sorts
    them (PostgreSQL puts NULL last going up, SQLite first) unless the order says."""

    name: str
    field: object
    descending: bool = False
    nulls_last: bool = True
    nullable: bool = False

    def order(self, backwards: bool) -> OrderBy:
        descending = self.descending != backwards
        nulls_last = self.nulls_last != backwards
        return OrderBy(
            F(self.name),
            descending=descending,
            nulls_last=nulls_last or None,
            nulls_first=not nulls_last or None,
        )

    def after(self, value, backwards: bool) -> Q:
        """Rows that come after `value` on this key alone."""
        nulls_last = self.nulls_last != backwards
        if value is None:
            return Q(pk__in=[]) if nulls_last else Q(**{f"{self.name}__isnull": False})
        later = Q(**{f"{self.name}__{'lt' if self.descending != backwards else 'gt'}": value})
        if self.nullable and nulls_last:
            later |= Q(**{f"{self.name}__isnull": True})
        return later

    def equal(self, value) -> Q:
        if value is None:
            return Q(**{f"{self.name}__isnull": True})
        return Q(**{self.name: value})


def sort_keys(model, term, db: str) -> list[SortKey]:
    """The keys one term of `order_by` sorts on: a relation sorts on its model's own order."""
    nulls_last = None
    if isinstance(term, OrderBy) and isinstance(term.expression, F):
        name, descending = term.expression.name, term.descending
        nulls_last = True if term.nulls_last else False if term.nulls_first else None
    elif isinstance(term, str):
        name, descending = term.lstrip("-"), term.startswith("-")
    else:
        raise BadCursor("This list's order cannot be read by cursor.")
    if name in ("pk", "id"):
        return [SortKey("pk", model._meta.pk, descending)]
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return [SortKey(name, _Text(), descending)]
    if field.is_relation:
        keys = []
        for related_term in field.related_model._meta.ordering or ["pk"]:
            for key in sort_keys(field.related_model, related_term, db):
                # "-relation" reverses the relation's order, where its empty values go too.
                keys.append(
                    SortKey(
                        f"{name}__{key.name}",
                        key.field,
                        key.descending != descending,
                        key.nulls_last != descending,
                        key.nullable or field.null,
                    )
                )
        return keys
    if nulls_last is None:
        # PostgreSQL sorts NULL as the largest value, SQLite as the smallest.
        nulls_last = (connections[db].vendor == "postgresql") != descending
    return [SortKey(name, field, descending, nulls_last, field.null)]


def beyond(ordering: list[SortKey], key: tuple, backwards: bool) -> Q:
    """Rows after `key` in `ordering` (before it, reading backwards): later on the first sort
    key, or equal on it and later on the next, and so on. When the first key has no empty
    values, its bound alone comes first, so that PostgreSQL reads the list's index from the
    position on."""
    condition = Q(pk__in=[])
    equal = Q()
    for sort_key, value in zip(ordering, key, strict=True):
        condition |= equal & sort_key.after(value, backwards)
        equal &= sort_key.equal(value)
    first = ordering[0]
    if first.nullable:
        return condition
    bound = "lte" if first.descending != backwards else "gte"
    return Q(**{f"{first.name}__{bound}": key[0]}) & condition
