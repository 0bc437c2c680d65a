"""Second readings: a curator other than the fact's own reads it against its quotes and
articles, and marks it reviewed or questions it; a change a reader would see returns it to
draft."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import FACTS
from ..models.base import REVIEW_FIELDS, REVIEW_REASON, ReviewState
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
    locked = type(fact).objects.select_for_update().get(pk=fact.pk)
    if expected_version not in (None, locked.version):
        raise StaleEdit(locked)
    if type(fact).objects.filter(pk=fact.pk).edited_by(reviewer).exists():
        raise ValidationError(
            "You created or edited this fact or its citations: its second reader must be "
            "another curator."
        )
    locked.review_state, locked.review_note = state, note
    locked.reviewed_by, locked.reviewed_at = reviewer, timezone.now()
    review_fields_save(locked, f"{REVIEW_REASON}{state}", reviewer)
    showing_touch(locked)
    for field in [*REVIEW_FIELDS, "version", "updated_at"]:
        setattr(fact, field, getattr(locked, field))
    return fact
