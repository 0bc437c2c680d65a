from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from .base import (
    Disputable,
    FactQuerySet,
    NamedQuerySet,
    Reported,
    Reviewable,
    SluggedModel,
    TimeStampedModel,
    review_constraints,
)
from .dates import format_partial_date, precision_constraint, precision_field


class Actor(SluggedModel):
    """A country, government body, person, company or organisation that asks, answers or reports."""

    class Kind(models.TextChoices):
        COUNTRY = "country", "Country"
        GOVERNMENT_BODY = "government_body", "Government body"
        PERSON = "person", "Person"
        COMPANY = "company", "Company"
        INTERNATIONAL_ORGANISATION = "international_organisation", "International organisation"
        RESEARCH_INSTITUTE = "research_institute", "Research institute"
        MEDIA_OUTLET = "media_outlet", "Media outlet"
        POLITICAL_GROUP = "political_group", "Political party or group"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, help_text="The name readers know best, in English.")
    kind = models.CharField(max_length=30, choices=Kind, help_text="What sort of actor it is.")
    country = CountryField(
        blank=True,
        help_text="The country the actor belongs to or is (ISO 3166 alpha-2); blank for "
        "international organisations.",
    )
    description = models.TextField(blank=True, help_text="Who this is, in a sentence or two.")

    objects = NamedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("tracker:actor-detail", args=[self.slug])


class ActorAliasQuerySet(models.QuerySet):
    def get_by_natural_key(self, actor_slug: str, name: str):
        return self.get(actor__slug=actor_slug, name=name)


class ActorAlias(TimeStampedModel):
    """Another spelling of an actor's name that sources use: Umierov, Zelenskiy, Kiev, 윤석열."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200, help_text="The spelling, as a source writes it.")
    language = models.CharField(
        max_length=12,
        blank=True,
        help_text="BCP 47 code of a native-script or translated name, e.g. 'ko' or 'uk'.",
    )

    objects = ActorAliasQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["actor", "name"]
        verbose_name_plural = "actor aliases"
        constraints = [
            models.UniqueConstraint(fields=["actor", "name"], name="actoralias_unique_per_actor")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.actor})"

    def natural_key(self) -> tuple[str, str]:
        return (self.actor.slug, self.name)

    natural_key.dependencies = ["requests_app.actor"]


class RoleQuerySet(FactQuerySet):
    def current(self):
        """Terms going on today: begun, and no end reported (Role.is_current)."""
        today = timezone.localdate()
        return self.filter(
            Q(started_on__lte=today),
            Q(end_reason=""),
            Q(ended_on__isnull=True) | Q(ended_on__gt=today),
        )

    def ended(self):
        """Terms a source reports ended: with an end date passed, or a reason."""
        return self.filter(~Q(end_reason="") | Q(ended_on__lte=timezone.localdate()))

    def held_on(self, day):
        """Roles a source places around `day`: started by then and not known to have ended."""
        return self.filter(held_from__lte=day).filter(
            Q(held_until__isnull=True) | Q(held_until__gte=day)
        )


class Role(Disputable, Reported, Reviewable, SluggedModel):
    """An office a person holds, dated as far as the sources attest it, with the term's own
    start and end where a source reports them."""

    class EndReason(models.TextChoices):
        TERM_ENDED = "term_ended", "Term ended"
        SUCCEEDED = "succeeded", "Succeeded"
        IMPEACHED = "impeached", "Impeached"
        REMOVED = "removed", "Removed"
        RESIGNED = "resigned", "Resigned"
        DIED = "died", "Died"
        OTHER = "other", "Other"

    person = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="roles",
        limit_choices_to={"kind": Actor.Kind.PERSON},
    )
    title = models.CharField(max_length=200, help_text="e.g. 'National Security Adviser'.")
    organisation = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="positions",
        null=True,
        blank=True,
        help_text="Whom the office belongs to, e.g. South Korea.",
    )
    held_from = models.DateField(help_text="The earliest date a source shows the role held.")
    held_from_precision = precision_field()
    held_until = models.DateField(
        null=True,
        blank=True,
        help_text="The latest date a source shows the role held; blank if not known to have ended.",
    )
    held_until_precision = precision_field()
    started_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the term began, where a source reports it (not when it was first seen).",
    )
    started_on_precision = precision_field()
    ended_on = models.DateField(
        null=True, blank=True, help_text="When the term ended, where a source reports it."
    )
    ended_on_precision = precision_field()
    end_reason = models.CharField(
        max_length=10,
        choices=EndReason,
        blank=True,
        help_text="Why the term ended: blank while no source reports that it has.",
    )
    conflict_note = models.TextField(
        blank=True, help_text="Where sources disagree about this role, and how."
    )

    objects = RoleQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["first_reported_on"])

    class Meta:
        ordering = ["person", "held_from"]
        indexes = [Disputable.noted_index("role")]
        constraints = [
            *review_constraints("role"),
            precision_constraint("held_from", "role_held_from_precision"),
            precision_constraint("held_until", "role_held_until_precision"),
            models.CheckConstraint(
                condition=Q(held_until__isnull=True) | Q(held_until__gte=F("held_from")),
                name="role_until_not_before_from",
                violation_error_message="A role cannot end before it starts.",
            ),
            precision_constraint("started_on", "role_started_on_precision"),
            precision_constraint("ended_on", "role_ended_on_precision"),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="role_term_ends_after_it_starts",
                violation_error_message="A term cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        where = f", {self.organisation}" if self.organisation_id else ""
        return f"{self.person}: {self.title}{where}"

    def get_absolute_url(self) -> str:
        return f"{self.person.get_absolute_url()}#role-{self.pk}"

    def clean(self) -> None:
        super().clean()
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "A term cannot end before it starts."})

    @property
    def is_current(self) -> bool:
        """Whether the term goes on today: begun, and no end reported. A role whose term no
        source reports is only attested, neither current nor past."""
        today = timezone.localdate()
        if self.end_reason or (self.ended_on is not None and self.ended_on <= today):
            return False
        return self.started_on is not None and self.started_on <= today

    @property
    def term_display(self) -> str:
        """'from 4 June 2025', '10 May 2022 – 4 April 2025 (impeached)', or ''."""
        start = format_partial_date(self.started_on, self.started_on_precision)
        end = format_partial_date(self.ended_on, self.ended_on_precision)
        reason = f" ({self.get_end_reason_display().lower()})" if self.end_reason else ""
        if not (start or end or reason):
            return ""
        if not end:
            return f"from {start}{reason}" if start else reason.strip(" ()").capitalize()
        return f"{start or '?'} – {end}{reason}"

    @property
    def period(self) -> str:
        start = format_partial_date(self.held_from, self.held_from_precision)
        if self.held_until is None:
            return f"from {start}"
        end = format_partial_date(self.held_until, self.held_until_precision)
        return start if end == start else f"{start} – {end}"
