from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .actors import Actor
from .base import (
    Disputable,
    FactQuerySet,
    Reported,
    Reviewable,
    SluggedModel,
    review_constraints,
)
from .dates import format_partial_date, precision_constraint, precision_field
from .items import Item


class Event(Disputable, Reported, Reviewable, SluggedModel):
    """Context that moved policy or framed requests: an attack, a treaty, a deployment."""

    class Kind(models.TextChoices):
        ATTACK = "attack", "Attack"
        AGREEMENT = "agreement", "Treaty or agreement"
        DEPLOYMENT = "deployment", "Troop deployment"
        MEETING = "meeting", "Meeting or summit"
        STATEMENT = "statement", "Statement or warning"
        ELECTION = "election", "Election"
        OTHER = "other", "Other"

    title = models.CharField(max_length=200, help_text="What happened, in a few words.")
    summary = models.TextField(help_text="What happened, in a sentence or two.")
    kind = models.CharField(max_length=12, choices=Kind, help_text="What sort of event.")
    occurred_on = models.DateField(help_text="When it happened, as precisely as reported.")
    occurred_on_precision = precision_field()
    location = models.CharField(max_length=200, blank=True, help_text="Where, if relevant.")
    actors = models.ManyToManyField(Actor, blank=True, related_name="events")
    conflict_note = models.TextField(
        blank=True, help_text="Where sources disagree about this event, and how."
    )

    objects = FactQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=["actors"], excluded_fields=["first_reported_on"])

    class Meta:
        ordering = ["occurred_on", "title"]
        indexes = [Disputable.noted_index("event")]
        constraints = [
            *review_constraints("event"),
            precision_constraint("occurred_on", "event_occurred_on_precision"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.occurred_on_display})"

    def get_absolute_url(self) -> str:
        return reverse("tracker:event-detail", args=[self.slug])

    @property
    def occurred_on_display(self) -> str:
        return format_partial_date(self.occurred_on, self.occurred_on_precision)


class PolicyStanceQuerySet(FactQuerySet):
    def in_force_on(self, day):
        """Stances whose holders said they applied on `day` (open-ended on either side)."""
        return self.filter(Q(in_force_from__isnull=True) | Q(in_force_from__lte=day)).filter(
            Q(in_force_until__isnull=True) | Q(in_force_until__gte=day)
        )

    def latest_in_force_on(self, day) -> dict:
        """{holder id: its stances in force on `day`, the most recently stated for each scope},
        most recent first: a holder may have one stance on lethal aid and another on the rest."""
        stances = self.in_force_on(day).order_by(F("in_force_from").desc(nulls_last=True), "-pk")
        latest: dict = {}
        for stance in stances:
            held = latest.setdefault(stance.holder_id, [])
            if all(other.scope_key != stance.scope_key for other in held):
                held.append(stance)
        return latest


class PolicyStance(Disputable, Reported, Reviewable, SluggedModel):
    """A government's dated position, e.g. South Korea's ban on arms exports to war zones."""

    class Position(models.TextChoices):
        PROHIBITS = "prohibits", "Prohibits"
        RESTRICTS = "restricts", "Restricts"
        UNDER_REVIEW = "under_review", "Under review"
        PERMITS_DEFENSIVE_ONLY = "permits_defensive_only", "Permits defensive only"
        PERMITS = "permits", "Permits"

    holder = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="stances")
    title = models.CharField(max_length=200, help_text="The stance in a few words.")
    subject = models.CharField(
        max_length=200, help_text="What the stance is about, e.g. 'Weapons to Ukraine'."
    )
    summary = models.TextField(help_text="What the stance says, in a sentence or two.")
    position = models.CharField(
        max_length=25, choices=Position, help_text="Where it leaves the subject."
    )
    legal_basis = models.CharField(
        max_length=300, blank=True, help_text="e.g. the Foreign Trade Act."
    )
    in_force_from = models.DateField(
        null=True, blank=True, help_text="Blank when the sources only call it long-standing."
    )
    in_force_from_precision = precision_field()
    in_force_until = models.DateField(
        null=True, blank=True, help_text="Blank while no source reports it ended."
    )
    in_force_until_precision = precision_field()
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        help_text="The earlier stance this one replaced.",
    )
    trigger = models.ForeignKey(
        Event,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="triggered_stances",
        help_text="The event that prompted it, e.g. the Russia–North Korea treaty.",
    )
    condition = models.CharField(
        max_length=300,
        blank=True,
        help_text="What would change it, as its holder says: e.g. 'until a ceasefire'.",
    )
    scope = models.JSONField(
        default=dict,
        blank=True,
        help_text='Which aid it covers: {"lethality": ["lethal"], "categories": ["air_defence"]}; '
        "an empty or missing list covers all.",
    )
    voiced_by = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stances_voiced",
        help_text="The person who announced it, e.g. a president or minister.",
    )
    conflict_note = models.TextField(
        blank=True, help_text="Where sources disagree about this stance, and how."
    )

    objects = PolicyStanceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["first_reported_on"])

    class Meta:
        # 'Long-standing' stances (no start date) come first on every database.
        ordering = ["holder", F("in_force_from").asc(nulls_first=True), "title"]
        indexes = [Disputable.noted_index("policystance")]
        constraints = [
            *review_constraints("policystance"),
            precision_constraint("in_force_from", "policystance_in_force_from_precision"),
            precision_constraint("in_force_until", "policystance_in_force_until_precision"),
            models.CheckConstraint(
                condition=Q(in_force_from__isnull=True)
                | Q(in_force_until__isnull=True)
                | Q(in_force_until__gte=F("in_force_from")),
                name="policystance_until_not_before_from",
                violation_error_message="A stance cannot end before it comes into force.",
            ),
            models.CheckConstraint(
                condition=~Q(supersedes=F("pk")),
                name="policystance_not_superseding_itself",
                violation_error_message="A stance cannot supersede itself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("tracker:stance-detail", args=[self.slug])

    def clean(self) -> None:
        super().clean()
        allowed = {"lethality": Item.Lethality.values, "categories": Item.Category.values}
        scope = self.scope if isinstance(self.scope, dict) else None
        if scope is None or set(scope) - set(allowed):
            raise ValidationError(
                {"scope": "Give an object with the lists 'lethality' and 'categories'."}
            )
        for key, values in scope.items():
            if not isinstance(values, list) or set(values) - set(allowed[key]):
                raise ValidationError(
                    {"scope": f"'{key}' is a list of: {', '.join(allowed[key])}."}
                )

    @property
    def scope_key(self) -> tuple:
        """What the stance covers, comparable: two stances of one holder with the same key
        speak to the same aid."""
        return tuple(
            tuple(sorted(self.scope.get(key) or [])) for key in ("lethality", "categories")
        )

    def covers(self, item: Item) -> bool:
        """Whether the stance speaks to `item`: its scope's lists include the item's
        framing and category (an empty list includes all)."""
        lethality, categories = self.scope_key
        return (not lethality or item.lethality in lethality) and (
            not categories or item.category in categories
        )

    def rules_out(self, item: Item) -> bool:
        """Whether the stance, in force, leaves no way to grant a request for `item`."""
        return self.position == self.Position.PROHIBITS and self.covers(item)

    @property
    def scope_display(self) -> str:
        """'lethal aid', 'air defence', or '' for everything."""
        lethality, categories = self.scope_key
        words = [Item.Lethality(value).label.lower() + " aid" for value in lethality]
        words += [Item.Category(value).label.lower() for value in categories]
        return ", ".join(words)

    @property
    def in_force_from_display(self) -> str:
        if self.in_force_from is None:
            return "long-standing"
        return format_partial_date(self.in_force_from, self.in_force_from_precision)

    @property
    def in_force_until_display(self) -> str:
        return format_partial_date(self.in_force_until, self.in_force_until_precision)
