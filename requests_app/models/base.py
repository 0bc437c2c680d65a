"""Building blocks shared by the domain models: timestamps, versions, slugs as natural keys."""

import datetime
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connection, connections, models, router, transaction
from django.db.models import Count, Exists, Func, OuterRef, Q, Subquery, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from ..text.scripts import is_unspaced
from .releases import DataRelease


class SearchDocumentField(SearchVectorField):
    """A row's words (a request's title, summary and quotes) as PostgreSQL's full-text search
    reads them, with the character pairs of its Korean, Japanese and Chinese words, stored and
    indexed; triggers keep it (`requests_app.triggers`), so no write path can leave it stale.
    SQLite, which searches by substring, keeps an empty text column."""

    def db_type(self, connection):
        return super().db_type(connection) if connection.vendor == "postgresql" else "text"


def words_matching(term: str, containing: Callable[[str], Q]) -> Q:
    """Rows with `term` among their words, ignoring case; `containing(term)` finds the rows
    that hold it inside one of their words. On PostgreSQL, from the row's stored
    `search_document`: as a whole word, or, in a script written without spaces inside
    compounds (Korean: 천궁을, 지대공미사일), as the pairs of characters it is made of, then by
    `containing`, which only the rows the pairs found are read for (docs/performance.md says
    why). On SQLite, by `containing`."""
    if connection.vendor != "postgresql":
        return containing(term)
    if not is_unspaced(term):
        return Q(search_document=SearchQuery(term, config="simple"))
    pairs = Func(Value(term), function="aidtracker_bigrams", output_field=TextField())
    return Q(search_document=SearchQuery(pairs, config="simple")) & containing(term)


class AnyOf(Func):
    """`expression = ANY(array)`: true when the expression equals one of the array's items."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = models.BooleanField()


def one_of(column: str, ids: list[int]) -> Q:
    """Rows whose `column` (an id) is one of `ids`. PostgreSQL gets the ids as one array
    written into the SQL, '{1,2,3}'::bigint[]. As an IN list, each id would be sent, bound and
    planned as a parameter of its own (a search's word can bring 2,000, and its rows are
    counted, estimated and paged); as one array parameter, a repeated search is prepared and
    planned once for any ids, and that plan looks each row up in the array item by item (the
    search's page of ids took 5.5 ms at 100,000 requests, 2.4 ms planned for the ids it has,
    where PostgreSQL hashes the array). Written from integers, the array cannot carry SQL.
    SQLite, which has no arrays, gets the list, as does an empty list, which Django leaves out
    of an OR: as an empty array, PostgreSQL tested it on every row the other conditions found
    (counting a search took 4.1 ms with it at 100,000 requests, 3.6 without)."""
    if not ids or connection.vendor != "postgresql":
        return Q(**{f"{column}__in": ids})
    text = ",".join(str(int(i)) for i in ids)
    array = RawSQL(f"'{{{text}}}'::bigint[]", (), output_field=ArrayField(models.BigIntegerField()))
    return Q(AnyOf(models.F(column), array))


class SlugQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)


class NamedQuerySet(SlugQuerySet):
    """Records with a name and aliases (actors, items)."""

    def matching(self, text: str):
        """Those whose name or any alias contains `text`, ignoring case: each looked up on its
        own table, so PostgreSQL answers both from trigram indexes (migration 0014)."""
        aliases = self.model.aliases.rel
        by_name = self.model.objects.filter(name__icontains=text).values("pk")
        by_alias = aliases.related_model.objects.filter(name__icontains=text)
        return self.filter(Q(pk__in=by_name) | Q(pk__in=by_alias.values(aliases.field.name)))


class FactQuerySet(SlugQuerySet):
    """Facts: the records citations support."""

    def known_on(self, day):
        """The facts that an article published on or before `day` reports (an article dated
        only by its month or year counts from the first day of it): an index lookup on the
        date each fact was first reported, which the database keeps."""
        return self.filter(first_reported_on__lte=day)

    def uncited(self):
        """Facts no citation supports: none should exist (the services refuse to make one)."""
        return self.filter(citations=None)

    def disputed(self, day=None):
        """Disputed facts: a citation says the fact is false or did not happen, or two or more
        articles report it and its conflict note says how they differ. Only citations
        published by `day` count, if one is given. `Disputable.is_disputed` is the same rule
        for one fact, from its loaded citations."""
        return self.filter(pk__in=self.disputed_ids(day))

    def disputed_ids(self, day=None):
        """The ids of every disputed fact of this model, as one subquery: a union of the
        disputing citations and of the facts with a conflict note, each read from its own
        partial index (migration 0015), so the cost follows the disputed facts, not the table."""
        relation = self.model.citations.rel
        field = relation.field.name
        citations = relation.related_model.objects.order_by()
        if day is not None:
            citations = citations.filter(source__published_on__lte=day)
        disputing = citations.filter(relation=relation.related_model.Relation.DISPUTES)
        sources = (
            citations.filter(**{field: OuterRef("pk")})
            .values(field)
            .annotate(n=Count("source", distinct=True))
            .values("n")
        )
        noted = (
            self.model.objects.order_by()
            .exclude(conflict_note="")
            .alias(sources=Coalesce(Subquery(sources), 0))
            .filter(sources__gte=2)
        )
        return disputing.values_list(field, flat=True).union(noted.values_list("pk", flat=True))

    def edited_by(self, user):
        """Facts `user` created or edited, or whose citations they wrote or changed (a second
        reading is no edit): facts that need another second reader than them."""
        edits = self.model.history.model.objects.filter(
            id=OuterRef("pk"), history_user=user
        ).exclude(history_change_reason__startswith=REVIEW_REASON)
        relation = self.model.citations.rel
        citation_edits = relation.related_model.history.model.objects.filter(
            **{relation.field.name: OuterRef("pk")}, history_user=user
        )
        return self.filter(Exists(edits) | Exists(citation_edits))

    def with_citations(self, day=None):
        """Load every row's citations, with their articles, in one more query; only those
        published by `day`, if given."""
        citations = self.model.citations.rel.related_model.objects.select_related(
            "source__publisher", "relayed_from"
        )
        if day is not None:
            citations = citations.filter(source__published_on__lte=day)
        return self.prefetch_related(models.Prefetch("citations", citations))


class Reported(models.Model):
    """A fact, with the day it was first reported: what `as_of` views filter on."""

    first_reported_on = models.DateField(
        null=True,
        editable=False,
        serialize=False,
        db_index=True,
        help_text="When the first article that reports it was published; kept by the database "
        "(requests_app/triggers.py) from its citations.",
    )

    class Meta:
        abstract = True


class Disputable:
    """A fact that sources may dispute, or report differently (a conflict note says how)."""

    @staticmethod
    def noted_index(prefix: str) -> models.Index:
        """The facts with a conflict note, few in any table: FactQuerySet.disputed_ids reads
        them from this index."""
        return models.Index(fields=["id"], condition=~Q(conflict_note=""), name=f"{prefix}_noted")

    @property
    def is_disputed(self) -> bool:
        """FactQuerySet.disputed() for one fact, from its loaded citations."""
        citations = self.citations.all()
        return any(citation.disputes for citation in citations) or (
            bool(self.conflict_note) and len({c.source_id for c in citations}) > 1
        )


# The history records of a second reading start with this: they are no edit of the fact.
REVIEW_REASON = "Second reading: "


class ReviewState(models.TextChoices):
    DRAFT = "draft", "Awaits a second reader"
    REVIEWED = "reviewed", "Checked by a second reader"
    QUESTIONED = "questioned", "Questioned by a second reader"


class Reviewable(models.Model):
    """A fact a second curator reads against its quotes and articles: draft until then,
    reviewed or questioned after, and draft again once anything a reader sees of it changes.
    Only the services write these fields (fact_review, and record_save returning a fact to
    draft); fixtures carry them."""

    review_state = models.CharField(
        max_length=10,
        choices=ReviewState,
        default=ReviewState.DRAFT,
        editable=False,
        db_index=True,
        help_text="Whether a second curator has read this against its sources.",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The second reader.",
    )
    reviewed_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the second reader read it."
    )
    review_note = models.TextField(
        blank=True,
        editable=False,
        help_text="What the second reader questioned, or noted.",
    )

    class Meta:
        abstract = True

    def start_anew(self) -> None:
        """A new fact awaits its second reader: a copy of a read one was read by nobody."""
        self.clear_review()
        super().start_anew()

    def clear_review(self) -> None:
        """Set the review back to draft, on the instance."""
        self.review_state, self.review_note = ReviewState.DRAFT, ""
        self.reviewed_by, self.reviewed_at = None, None


# The fields of a fact's review: written by the review service and by fixtures only.
REVIEW_FIELDS = ["review_state", "reviewed_by", "reviewed_at", "review_note"]


def review_constraints(prefix: str) -> list[models.CheckConstraint]:
    """A draft names no reader; a reading names its reader and time; a question says what."""
    read = Q(reviewed_by__isnull=False, reviewed_at__isnull=False)
    return [
        models.CheckConstraint(
            condition=Q(
                review_state=ReviewState.DRAFT,
                reviewed_by__isnull=True,
                reviewed_at__isnull=True,
                review_note="",
            )
            | Q(review_state=ReviewState.REVIEWED) & read
            | Q(review_state=ReviewState.QUESTIONED) & read & ~Q(review_note=""),
            name=f"{prefix}_review_names_its_reader",
            violation_error_message="A reviewed or questioned fact names its second reader and "
            "when they read it, a question says what is questioned, and a draft has none.",
        )
    ]


def curated_fields(record) -> list[str]:
    """The columns a curator writes: the editable ones (derived ones are not editable)."""
    return [
        field.name
        for field in record._meta.concrete_fields
        if field.editable and not field.primary_key
    ]


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, help_text="When this record was created.")
    updated_at = models.DateTimeField(
        auto_now=True, db_index=True, help_text="When this record last changed."
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up by one at every save; an edit of an older version is refused.",
    )

    class Meta:
        abstract = True

    def save(self, **kwargs) -> None:
        """A plain save() of a stored record (in a shell, a script; the services name the
        fields they write) counts a version, as the services do, so that an edit from a copy
        read before it is refused (If-Match); and it writes only what curators write, never
        what the services derive (a request's status, a fact's review), which a copy loaded
        before they changed would put back."""
        stored = not self._state.adding and self.pk is not None  # (pk = None: save a copy)
        if self.pk is None:
            self.start_anew()
        if kwargs.get("update_fields") is not None or kwargs.get("force_insert") or not stored:
            super().save(**kwargs)
            return
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            saved = locked(type(self)._base_manager.using(using).filter(pk=self.pk))
            version = saved.values_list("version", flat=True).first()
            if version is None:  # deleted meanwhile: saved anew
                super().save(**kwargs)
                return
            self.version = version + 1
            deferred = self.get_deferred_fields()  # (as Django writes only the loaded ones)
            written = [name for name in curated_fields(self) if name not in deferred]
            super().save(update_fields=[*written, "version", "updated_at"], **kwargs)

    def start_anew(self) -> None:
        """Give a record about to be stored for the first time what any new one starts with,
        whatever the instance carries: a copy (saved with pk = None, as Django copies) keeps
        what the services own of the record it copies. Models add what they own."""
        self.version = 1

    def clean(self) -> None:
        # Text holds no NUL characters: PostgreSQL cannot store them, and no source has them.
        with_nul = [
            field.name
            for field in self._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
            and "\x00" in str(field.value_from_object(self) or "")
        ]
        if with_nul:
            raise ValidationError(
                {name: "Text cannot contain NUL characters." for name in with_nul}
            )


class SluggedModel(TimeStampedModel):
    """A record fixtures and URLs name by its slug, so they never depend on database ids."""

    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="Short stable name used in URLs and fixtures, e.g. 'kr-declines-cheongung-sale'.",
    )

    class Meta:
        abstract = True

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


def locked(queryset):
    """`queryset`, its rows locked until the transaction ends as a write locks them (FOR NO KEY
    UPDATE: a new answer or citation may still name them), after the data version's row.

    Every write raises that version (a trigger) and holds its row until it commits. A writer
    that locked a record first could wait for the version while the version's holder waited,
    at its commit, for that record (two answers moved each way at once deadlocked): taken
    first, the version lets writers in one after the other. SQLite, which lets one writer in
    at a time, locks no rows."""
    rows = queryset.select_for_update(no_key=True)
    version_lock(rows.db)
    return rows


def version_lock(using: str) -> None:
    """Lock the data version's row for the rest of the transaction, before anything else it
    writes (see `locked`)."""
    if connections[using].vendor == "postgresql":
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {DataVersion._meta.db_table} WHERE id = 1 FOR NO KEY UPDATE"
            )


class DataVersionQuerySet(models.QuerySet):
    def current(self) -> int:
        return self.state()[0]

    def state(self) -> tuple[int, datetime.datetime | None, str | None]:
        """The version, when it was last raised (None before the first write) and the number of
        the latest data release (None before the first), in one query: a release raises the
        version too. Every request reads it, cache hits included, and building the query with
        the ORM cost twice as long as running it: it is built once per database."""
        found = next(iter(self.raw(*_state_query(self.db))), None)
        return (found.number, found.changed_at, found.latest) if found else (0, None, None)


@cache
def _state_query(using: str) -> tuple[str, tuple]:
    latest = DataRelease.objects.values("number")[:1]
    state = DataVersion.objects.filter(pk=1).annotate(latest=Subquery(latest))
    return state.only("number", "changed_at").query.get_compiler(using).as_sql()


class DataVersion(models.Model):
    """One number that every write raises (by database triggers: requests_app/triggers.py):
    pages cached under an older one are never served."""

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, help_text="When the last write raised it.")

    objects = DataVersionQuerySet.as_manager()

    class Meta:
        verbose_name = "data version"

    def __str__(self) -> str:
        return f"Data version {self.number}"


class TallyQuerySet(models.QuerySet):
    def counts(self) -> dict[str, dict[str, int]]:
        """{subject: {key: count}} in one query, zero counts left out."""
        counts: dict = {}
        for subject, key, n in self.filter(n__gt=0).values_list("subject", "key", "n"):
            counts.setdefault(subject, {})[key] = n
        return counts


class Tally(models.Model):
    """A count the database keeps on every write (by triggers: requests_app/tallies.py), so
    the dashboard reads a few hundred rows whatever the number of requests. `subject` says
    what is counted, `key` by what, e.g. requests by addressee and status: key '12:declined'."""

    subject = models.CharField(max_length=40)
    key = models.CharField(max_length=100)
    n = models.BigIntegerField(default=0)

    objects = TallyQuerySet.as_manager()

    class Meta:
        ordering = ["subject", "key"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "key"], name="tally_unique_subject_key")
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.key}: {self.n}"
