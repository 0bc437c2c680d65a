from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .actors import Actor
from .aid import AidRequest
from .base import (
    Disputable,
    FactQuerySet,
    Reported,
    Reviewable,
    SluggedModel,
    review_constraints,
)
from .dates import format_partial_date, precision_constraint, precision_field


class Action(Disputable, Reported, Reviewable, SluggedModel):
    """A directed initiative that answers no request: an offer, a delegation sent,
    intelligence shared, a sanction, a public pledge of support."""

    class Kind(models.TextChoices):
        OFFER = "offer", "Offer"
        # "Ukraine and South Korea could cooperate after the war": an idea put to the other
        # side, asking nothing of it now.
        PROPOSAL = "proposal", "Proposal of cooperation"
        DELEGATION = "delegation", "Delegation or visit"
        INTELLIGENCE_SHARING = "intelligence_sharing", "Intelligence sharing"
        SANCTION = "sanction", "Sanction"
        PLEDGE_OF_SUPPORT = "pledge_of_support", "Public pledge of support"
        OTHER = "other", "Other"

    actor = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="actions_taken",
        help_text="Who acted, e.g. South Korea.",
    )
    counterpart = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="actions_received",
        help_text="Toward whom, e.g. Ukraine.",
    )
    kind = models.CharField(max_length=20, choices=Kind, help_text="What sort of initiative.")
    occurred_on = models.DateField(
        help_text="When it was taken or announced, as precisely as reported ('this week')."
    )
    occurred_on_precision = precision_field()
    summary = models.TextField(help_text="What was done, in a sentence or two.")
    request = models.ForeignKey(
        AidRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        help_text="The request it turns out to answer, if a source links them.",
    )
    conflict_note = models.TextField(
        blank=True, help_text="Where sources report this action differently, and how."
    )

    objects = FactQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["first_reported_on"])

    class Meta:
        ordering = ["-occurred_on", "pk"]
        indexes = [Disputable.noted_index("action")]
        constraints = [
            *review_constraints("action"),
            precision_constraint("occurred_on", "action_occurred_on_precision"),
            models.CheckConstraint(
                condition=~Q(actor=F("counterpart")),
                name="action_not_toward_itself",
                violation_error_message="An action is taken toward another actor.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} → {self.counterpart}: {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("tracker:action-detail", args=[self.slug])

    @property
    def occurred_on_display(self) -> str:
        return format_partial_date(self.occurred_on, self.occurred_on_precision)
