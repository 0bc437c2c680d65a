"""Building blocks shared by the domain models: timestamps, slugs as natural keys, partial dates."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import dateformat


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class Qualifier(models.TextChoices):
    """How a source states an amount: "approximately $377 million", "up to 1.5 billion won"."""

    EXACT = "exact", "Exactly"
    APPROXIMATELY = "approximately", "Approximately"
    MORE_THAN = "more_than", "More than"
    UP_TO = "up_to", "Up to"


def precision_field(**kwargs) -> models.CharField:
    return models.CharField(
        max_length=5,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text="How much of the date the source gives: a month is stored as its first day, "
        "a year as 1 January.",
        **kwargs,
    )


def precision_constraint(date_field: str, name: str) -> models.CheckConstraint:
    """A month is stored as its first day and a year as 1 January, so dates sort and compare."""
    precision = f"{date_field}_precision"
    return models.CheckConstraint(
        condition=Q(**{precision: DatePrecision.DAY})
        | Q(**{precision: DatePrecision.MONTH, f"{date_field}__day": 1})
        | Q(**{precision: DatePrecision.YEAR, f"{date_field}__day": 1, f"{date_field}__month": 1}),
        name=name,
        violation_error_message="A month-precision date must be the 1st of the month and a "
        "year-precision date 1 January.",
    )


def format_partial_date(value, precision: str) -> str:
    """'8 July 2024', 'October 2024' or '2024', as precise as the source is."""
    if value is None:
        return ""
    formats = {DatePrecision.YEAR: "Y", DatePrecision.MONTH: "F Y", DatePrecision.DAY: "j F Y"}
    return dateformat.format(value, formats[precision])


def format_amount(amount, currency: str, qualifier: str = Qualifier.EXACT) -> str:
    """'up to 1,500,000,000 KRW': the amount in its original currency, as the source states it."""
    if amount is None:
        return ""
    number = f"{amount:,.2f}".removesuffix(".00")
    words = "" if qualifier == Qualifier.EXACT else f"{Qualifier(qualifier).label.lower()} "
    return f"{words}{number} {currency}".strip()


class SlugQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)


class FactQuerySet(SlugQuerySet):
    """Facts: the records citations support."""

    def known_on(self, day):
        """The facts that an article published on or before `day` reports (an article dated
        only by its month or year counts from the first day of it)."""
        from .sources import Citation

        reports = Citation.objects.filter(
            **{Citation.target_field_for(self.model): OuterRef("pk")},
            source__published_on__lte=day,
        )
        return self.filter(Exists(reports))

    def disputed(self):
        """Facts that sources report differently: a conflict note says how, and two or more
        articles report them, each side with its quotes (`Disputable.sources_differ`)."""
        from .sources import Citation

        field = Citation.target_field_for(self.model)
        sources = (
            Citation.objects.filter(**{field: OuterRef("pk")})
            .order_by()
            .values(field)
            .annotate(n=Count("source", distinct=True))
            .values("n")
        )
        return (
            self.exclude(conflict_note="").alias(sources=Subquery(sources)).filter(sources__gte=2)
        )

    def with_citations(self, day=None):
        """Load every row's citations, with their articles, in one more query; only those
        published by `day`, if given."""
        from .sources import Citation

        citations = Citation.objects.select_related("source__publisher")
        if day is not None:
            citations = citations.filter(source__published_on__lte=day)
        return self.prefetch_related(models.Prefetch("citations", citations))


class Disputable:
    """A fact with a conflict note, that sources may report differently."""

    @property
    def sources_differ(self) -> bool:
        """FactQuerySet.disputed() for one fact, from its prefetched citations."""
        return bool(self.conflict_note) and len({c.source_id for c in self.citations.all()}) > 1


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


class DataVersionQuerySet(models.QuerySet):
    def current(self) -> int:
        return self.filter(pk=1).values_list("number", flat=True).first() or 0

    def bump(self) -> None:
        """Count a change of the data, in the writer's transaction."""
        if not self.filter(pk=1).update(number=models.F("number") + 1):
            # The row is made by a migration; a database flushed since gets it back here.
            self.update_or_create(pk=1, defaults={"number": self.current() + 1})


class DataVersion(models.Model):
    """One number that every write raises: pages cached under an older one are never served."""

    number = models.PositiveBigIntegerField(default=0)

    objects = DataVersionQuerySet.as_manager()

    class Meta:
        verbose_name = "data version"

    def __str__(self) -> str:
        return f"Data version {self.number}"
