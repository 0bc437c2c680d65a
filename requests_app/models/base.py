"""Building blocks shared by the domain models: timestamps, versions, slugs as natural keys."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce


class SlugQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)


class FactQuerySet(SlugQuerySet):
    """Facts: the records citations support."""

    def known_on(self, day):
        """The facts that an article published on or before `day` reports (an article dated
        only by its month or year counts from the first day of it)."""
        citations = self.model.citations.rel
        reports = citations.related_model.objects.filter(
            **{citations.field.name: OuterRef("pk")},
            source__published_on__lte=day,
        )
        return self.filter(Exists(reports))

    def uncited(self):
        """Facts no citation supports: none should exist (the services refuse to make one)."""
        return self.filter(citations=None)

    def disputed(self, day=None):
        """Disputed facts: a citation says the fact is false or did not happen, or two or more
        articles report it and its conflict note says how they differ. Only citations
        published by `day` count, if one is given. `Disputable.is_disputed` is the same rule
        for one fact, from its loaded citations."""
        relation = self.model.citations.rel
        field = relation.field.name
        citations = relation.related_model.objects.filter(**{field: OuterRef("pk")})
        if day is not None:
            citations = citations.filter(source__published_on__lte=day)
        disputing = citations.filter(relation=relation.related_model.Relation.DISPUTES)
        sources = (
            citations.order_by()
            .values(field)
            .annotate(n=Count("source", distinct=True))
            .values("n")
        )
        return self.alias(sources=Coalesce(Subquery(sources), 0)).filter(
            Exists(disputing) | ~Q(conflict_note="") & Q(sources__gte=2)
        )

    def with_citations(self, day=None):
        """Load every row's citations, with their articles, in one more query; only those
        published by `day`, if given."""
        citations = self.model.citations.rel.related_model.objects.select_related(
            "source__publisher", "relayed_from"
        )
        if day is not None:
            citations = citations.filter(source__published_on__lte=day)
        return self.prefetch_related(models.Prefetch("citations", citations))


class Disputable:
    """A fact that sources may dispute, or report differently (a conflict note says how)."""

    @property
    def is_disputed(self) -> bool:
        """FactQuerySet.disputed() for one fact, from its loaded citations."""
        citations = self.citations.all()
        return any(citation.disputes for citation in citations) or (
            bool(self.conflict_note) and len({c.source_id for c in citations}) > 1
        )


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


class DataVersion(models.Model):
    """One number that every write raises (by database triggers: requests_app/triggers.py):
    pages cached under an older one are never served."""

    number = models.PositiveBigIntegerField(default=0)

    objects = DataVersionQuerySet.as_manager()

    class Meta:
        verbose_name = "data version"

    def __str__(self) -> str:
        return f"Data version {self.number}"
