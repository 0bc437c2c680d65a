"""Second readings: a curator other than the fact's own reads it against its quotes and
articles, and marks it reviewed or questions it; a change a reader would see returns it to
draft."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import FACTS
from ..models.base import REVIEW_FIELDS, REVIEW_REASON, ReviewState, locked
from .records import StaleEdit, review_fields_save, showing_touch


@transaction.atomic
def fact_review(*, fact, reviewer, state: str, note: str = "", expected_version=None):
    """Record a second reading of `fact` by `reviewer`: reviewed, or questioned with a note
    saying what. Refused to whoever created or edited the fact or its citations, and over a
    version newer than the one the reviewer read (StaleEdit)."""
    if type(fact) not in FACTS:
        raise ValidationError(f"Only facts are reviewed, not a {fact._meta.verbose_name}.")
    if state not in (ReviewState.REVIEWED, ReviewState.QUESTIONED):
        raise ValidationError(
            {"review_state": "A second reading marks a fact reviewed or questioned."}
        )
    note = note.strip()
    if state == ReviewState.QUESTIONED and not note:
        raise ValidationError({"review_note": "Say what is questioned: the curator reads it."})
    stored = locked(type(fact).objects.filter(pk=fact.pk)).get()
    if expected_version not in (None, stored.version):
        raise StaleEdit(stored)
    if type(fact).objects.filter(pk=fact.pk).edited_by(reviewer).exists():
        raise ValidationError(
            "You created or edited this fact or its citations: its second reader must be "
            "another curator."
        )
    stored.review_state, stored.review_note = state, note
    stored.reviewed_by, stored.reviewed_at = reviewer, timezone.now()
    review_fields_save(stored, f"{REVIEW_REASON}{state}", reviewer)
    showing_touch(stored)
    for field in [*REVIEW_FIELDS, "version", "updated_at"]:
        setattr(fact, field, getattr(stored, field))
    return fact
