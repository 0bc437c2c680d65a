"""The API's fast read path: list and detail answers built from values() rows and rendered with
orjson, without a model instance or a serializer call per row.

What each answer holds is read from the serializers' own field declarations, once per
serializer class, into a read plan: the columns to select, the to-many relations to fetch (one
query each for a whole page, as prefetch_related does, so the number of queries does not grow
with the rows), and how to write each field, with the DRF field's own `to_representation`, so
that dates, decimals, choices and JSON come out as the serializer writes them. A field the plan
does not know how to read raises `ReadPlanError` when the plan is made: a new serializer field
cannot make the two paths differ silently. tests/test_api_reads.py checks, endpoint by endpoint
and filter by filter, that both paths answer the same JSON.

DRF keeps the writes, the browsable API, CSV and the OpenAPI schema (requests_app/api/views.py
decides which reads come here).
"""

import functools
import types
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F, Prefetch
from rest_framework import renderers, serializers
from rest_framework.generics import get_object_or_404
from rest_framework.relations import ManyRelatedField, SlugRelatedField

from ..models import AidRequest, AidResponse, Citation, Role, SourceArticle
from ..models.base import Disputable
from ..pagination import IdPaginator
from .fields import LinkField, SummaryField
from .pagination import Pagination

# Where a row keeps the rows of its to-many relations, and the parent id of a related row.
RELATED = "reads_related"
PARENT = "reads_parent"


class ReadPlanError(TypeError):
    """A serializer field that the fast read path cannot read from values()."""


class JSONRenderer(renderers.BaseRenderer):
    """JSON by orjson, for the plain dicts, lists, strings, numbers and booleans of the fast
    path (DRF's renderer serves the rest)."""

    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return orjson.dumps(data)


class PageIds(IdPaginator):
    """Pages of row ids: the fast path loads the rows itself."""

    def _load(self, ids: list) -> list:
        return ids


class IdPagination(Pagination):
    """The API's pages (same parameters, links and counts), of row ids."""

    paginator_class = PageIds


# --------------------------------------------------------------------- properties


@dataclass(frozen=True)
class Derived:
    """A model property used as a serializer field's source, computed from the columns and the
    rows of to-many relations it names: `value(get, related)`, where `get(column)` reads the
    row and `related(relation)` lists the relation's rows."""

    value: Callable[[Callable[[str], Any], Callable[[str], list]], Any]
    columns: tuple[str, ...] = ()
    relations: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _disputed(get, related) -> bool:
    """Disputable.is_disputed, from the fact's citation rows."""
    citations = related("citations")
    return any(c["relation"] == Citation.Relation.DISPUTES for c in citations) or (
        bool(get("conflict_note")) and len({c["source_id"] for c in citations}) > 1
    )


def standin(get, columns):
    """A record as a property reads it: its columns, and each related record (`x__name`) as an
    object of its own, None when its `x__pk` is null."""
    fields, related = {}, defaultdict(list)
    for name in columns:
        head, _, rest = name.partition("__")
        if rest:
            related[head].append(rest)
        else:
            fields[name] = get(name)
    for head, rest in related.items():
        if get(f"{head}__pk") is None:
            fields[head] = None
        else:
            fields[head] = standin(lambda name, head=head: get(f"{head}__{name}"), rest)
    return types.SimpleNamespace(**fields)


def model_rule(prop: property, *columns: str) -> Derived:
    """A property computed by the model's own code, on a stand-in of the columns it reads (a
    column it reads and is not given fails: tests/test_api_reads.py finds it)."""
    return Derived(lambda get, related: prop.fget(standin(get, columns)), columns)


# Only the properties the serializers use; a property missing here fails the plan.
DERIVED = {
    (Disputable, "is_disputed"): Derived(
        _disputed, ("conflict_note",), {"citations": ("relation", "source_id")}
    ),
    (AidResponse, "is_disputed"): Derived(
        lambda get, related: _disputed(get, related) or bool(related("conflicts_with")),
        ("conflict_note",),
        {"citations": ("relation", "source_id"), "conflicts_with": ()},
    ),
    (SourceArticle, "publisher_name"): model_rule(
        SourceArticle.publisher_name, "publisher__pk", "publisher__name", "url"
    ),
    (Role, "is_current"): model_rule(Role.is_current, "end_reason", "ended_on", "started_on"),
}

# Properties that follow foreign keys to a record a nested serializer shows.
PATHS = {(AidRequest, "current_stance"): "latest_response.stance"}


def registered(table: dict, model, name: str):
    for cls in model.__mro__:
        if (cls, name) in table:
            return table[cls, name]
    return None


# --------------------------------------------------------------------- the plan


class Links:
    """The URLs of one answer: each route reversed, and made absolute, once."""

    def __init__(self, request):
        self.request = request
        self.templates: dict[tuple[str, str], str] = {}

    def url(self, link: LinkField, value) -> str:
        key = (link.view_name, link.lookup)
        if key not in self.templates:
            self.templates[key] = link.url_template(self.request)
        return link.fill(self.templates[key], value)


Writer = Callable[[dict, Links], Any]


@dataclass
class Plan:
    """What to select for one model's rows, which to-many relations to fetch for them, and
    how to write each row."""

    model: type
    columns: set[str] = field(default_factory=lambda: {"pk"})
    relations: dict[str, "Plan"] = field(default_factory=dict)
    write: Writer | None = None

    def relation(self, name: str) -> "Plan":
        relation = self.model._meta.get_field(name)
        if name not in self.relations:
            self.relations[name] = Plan(relation.related_model)
        return self.relations[name]


def column(model, source: str):
    """The values() lookup of a dotted source that ends on a column, through foreign keys that
    are never null (a null one would make DRF fail or skip the field), and the column's model
    field; None otherwise."""
    parts = source.split(".")
    for i, part in enumerate(parts):
        try:
            model_field = model._meta.pk if part == "pk" else model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if i == len(parts) - 1:
            if model_field.is_relation or not model_field.concrete:
                return None
            return "__".join(parts), model_field
        if not (model_field.many_to_one or model_field.one_to_one) or model_field.null:
            return None
        model = model_field.related_model
    return None


# DRF fields that represent a value of these model fields as the value itself: no call needed.
UNCHANGED = {
    serializers.CharField.to_representation: (models.CharField, models.TextField),
    serializers.ChoiceField.to_representation: (models.CharField,),
    serializers.IntegerField.to_representation: (models.IntegerField, models.AutoField),
    serializers.BooleanField.to_representation: (models.BooleanField,),
}


def unchanged(f, model_field) -> bool:
    kinds = UNCHANGED.get(type(f).to_representation, ())
    return isinstance(model_field, kinds)


def foreign_key_path(model, source: str):
    """The values() prefix and model of the record a dotted path of foreign keys reaches."""
    for part in source.split("."):
        try:
            model_field = model._meta.get_field(part)
        except FieldDoesNotExist:
            raise ReadPlanError(f"{model.__name__}.{part} is not a field.") from None
        if not (model_field.many_to_one or model_field.one_to_one) or not model_field.concrete:
            raise ReadPlanError(f"{model.__name__}.{part} is not a foreign key.")
        model = model_field.related_model
    return source.replace(".", "__") + "__", model


def compile_object(serializer, model, plan: Plan, prefix: str) -> Writer:
    """The writer of one object of `serializer` whose columns start with `prefix`."""
    writers = [
        (name, compile_field(f, model, plan, prefix))
        for name, f in serializer.fields.items()
        if not f.write_only
    ]

    def write(row, links):
        return {name: writer(row, links) for name, writer in writers}

    return write


def compile_field(f, model, plan: Plan, prefix: str) -> Writer:
    name = f"{type(f.parent).__name__}.{f.field_name}"
    if isinstance(f, LinkField):
        found = column(model, f.attribute)
        if found is None:
            raise ReadPlanError(f"{name}: the link's {f.attribute!r} is no column.")
        key = prefix + found[0]
        plan.columns.add(key)
        return lambda row, links: links.url(f, row[key])

    if isinstance(f, ManyRelatedField | serializers.ListSerializer):
        if prefix:
            raise ReadPlanError(f"{name}: a to-many relation inside a nested object.")
        child = f.child_relation if isinstance(f, ManyRelatedField) else f.child
        related = plan.relation(f.source)
        write_one = compile_item(child, related, name)
        return lambda row, links: [write_one(r, links) for r in row[RELATED][f.source]]

    if isinstance(f, SummaryField | serializers.BaseSerializer):
        source = registered(PATHS, model, f.source) or f.source
        path, related_model = foreign_key_path(model, source)
        summary = f.summary() if isinstance(f, SummaryField) else f
        nested = prefix + path
        write_nested = compile_object(summary, related_model, plan, nested)
        key = nested + "pk"
        plan.columns.add(key)
        return lambda row, links: None if row[key] is None else write_nested(row, links)

    if isinstance(f, serializers.RelatedField | serializers.SerializerMethodField) or (
        f.source == "*"
    ):
        raise ReadPlanError(f"{name}: {type(f).__name__} is not read by the fast path.")

    represent = f.to_representation
    found = column(model, f.source)
    if found is not None:
        key = prefix + found[0]
        plan.columns.add(key)
        if unchanged(f, found[1]):
            return lambda row, links: row[key]
        return lambda row, links: None if (value := row[key]) is None else represent(value)

    derived = registered(DERIVED, model, f.source)
    if derived is None:
        raise ReadPlanError(f"{name}: {model.__name__}.{f.source} is no column nor in DERIVED.")
    if derived.relations and prefix:
        raise ReadPlanError(f"{name}: {f.source} needs related rows inside a nested object.")
    plan.columns.update(prefix + c for c in derived.columns)
    for relation, columns in derived.relations.items():
        plan.relation(relation).columns.update(columns)

    def write(row, links):
        value = derived.value(lambda c: row[prefix + c], lambda r: row[RELATED][r])
        return None if value is None else represent(value)

    return write


def compile_item(child, plan: Plan, name: str) -> Writer:
    """The writer of one row of a to-many relation."""
    if isinstance(child, SlugRelatedField):
        found = column(plan.model, child.slug_field)
        if found is None:
            raise ReadPlanError(f"{name}: {child.slug_field!r} is no column.")
        key = found[0]
        plan.columns.add(key)
        return lambda row, links: row[key]
    if isinstance(child, SummaryField):
        child = child.summary()
    if not isinstance(child, serializers.BaseSerializer):
        raise ReadPlanError(f"{name}: {type(child).__name__} is not read by the fast path.")
    return compile_object(child, plan.model, plan, "")


@functools.cache
def plan_for(serializer_class) -> Plan:
    """The read plan of a serializer class, made on its first read."""
    serializer = serializer_class()
    model = serializer.Meta.model
    plan = Plan(model)
    plan.write = compile_object(serializer, model, plan, "")
    return plan


# --------------------------------------------------------------------- reading


Restate = Callable[[list[dict]], None]


def read(serializer_class, queryset, ids: list, request, restate: Restate) -> list[dict]:
    """The representations of the rows `ids` of `queryset`, in that order, as
    `serializer_class` writes them, after `restate(rows)`. The related rows are fetched from
    the querysets that `queryset` prefetches them with, so their filters (a day's citations)
    and order hold."""
    plan = plan_for(serializer_class)
    found = {row["pk"]: row for row in values(queryset.filter(pk__in=ids), plan)}
    return write(plan, queryset, [found[pk] for pk in ids if pk in found], request, restate)


def read_one(serializer_class, queryset, request, restate: Restate, **lookup) -> dict:
    """The representation of the row of `queryset` that `lookup` finds; 404 if none does."""
    plan = plan_for(serializer_class)
    row = get_object_or_404(values(queryset, plan), **lookup)
    return write(plan, queryset, [row], request, restate)[0]


def overwrite(row: dict, record, names: list[str]) -> None:
    """Replace the row's columns under `names` (`status`, `latest_response__stance__slug`) with
    the record's attributes: for rows restated by code that works on model instances."""
    for key in row:
        path = key.split("__")
        if path[0] in names:
            value = record
            for name in path:
                value = None if value is None else getattr(value, name)
            row[key] = value


def write(plan: Plan, queryset, rows: list[dict], request, restate: Restate) -> list[dict]:
    restate(rows)
    fetch_related(plan, queryset, rows)
    links = Links(request)
    return [plan.write(row, links) for row in rows]


def values(queryset, plan: Plan, **extra):
    return queryset.prefetch_related(None).values(*sorted(plan.columns), **extra)


def fetch_related(plan: Plan, queryset, rows: list[dict]) -> None:
    """Give each row the rows of the plan's to-many relations: one query per relation (two for
    many-to-many) for all rows."""
    if not rows:
        return
    prefetched = {
        lookup.prefetch_through: lookup.queryset
        for lookup in queryset._prefetch_related_lookups
        if isinstance(lookup, Prefetch) and lookup.queryset is not None
    }
    ids = [row["pk"] for row in rows]
    for row in rows:
        row[RELATED] = {}
    for name, related in plan.relations.items():
        relation = plan.model._meta.get_field(name)
        related_queryset = prefetched.get(name)
        if related_queryset is None:
            related_queryset = related.model._default_manager.all()
        by_parent = group(relation, related_queryset, related, ids)
        for row in rows:
            row[RELATED][name] = by_parent.get(row["pk"], [])
        fetch_related(related, related_queryset, [r for group in by_parent.values() for r in group])


def group(relation, queryset, plan: Plan, ids: list) -> dict[Any, list[dict]]:
    """{parent id: its related rows, in the queryset's order}."""
    by_parent = defaultdict(list)
    if relation.one_to_many:
        parent = relation.field
        rows = values(
            queryset.filter(**{f"{parent.name}__in": ids}), plan, **{PARENT: F(parent.attname)}
        )
        for row in rows:
            by_parent[row.pop(PARENT)].append(row)
        return by_parent
    if relation.many_to_many and relation.concrete:
        through = relation.remote_field.through._meta
        source = through.get_field(relation.m2m_field_name()).attname
        target = through.get_field(relation.m2m_reverse_field_name()).attname
        parents = defaultdict(list)
        links = through.model.objects.filter(**{f"{source}__in": ids})
        for parent, child in links.values_list(source, target):
            parents[child].append(parent)
        for row in values(queryset.filter(pk__in=list(parents)), plan):
            for parent in parents[row["pk"]]:
                by_parent[parent].append(row)
        return by_parent
    raise ReadPlanError(f"{relation.name}: only reverse foreign keys and many-to-many fields.")
