"""Saving and deleting curated records: validated and versioned (the database itself counts
each write in the data version: requests_app/triggers.py)."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.text import slugify

from alerts import events

from ..models import FACTS, Actor, AidRequest, AidResponse, Citation


class StaleEdit(Exception):
    """Someone saved the record after the editor loaded it: the edit would overwrite theirs."""

    def __init__(self, record) -> None:
        latest = record.history.select_related("history_user").first()
        who = f" by {latest.history_user}" if latest and latest.history_user else ""
        when = f" at {timezone.localtime(latest.history_date):%H:%M on %d %B %Y}" if latest else ""
        super().__init__(
            f"This {record._meta.verbose_name} was changed{who}{when} after you opened it. "
            "Reload the page to see that change, then make yours again."
        )


# Records the API shows inside others, in full: a response in its request, a citation in the
# fact it supports. A change to one is a change to its container.
SHOWN_INSIDE = {
    AidResponse: [(AidRequest, "responses")],
    Citation: [(fact, "citations") for fact in FACTS],
}

# Links that are facts of their own: the actors of an event. Deleting a record drops its
# many-to-many links silently; these are refused instead, as a PROTECT foreign key is.
PROTECTED_LINKS = {Actor: ["events"]}

# Room left in a slug field (120) for a "-2" when the name is taken.
SLUG_LENGTH = 100
# How many taken names `unique_slug` steps past when another writer takes the one it chose.
SLUG_ATTEMPTS = 5


def unique_slug(record) -> str:
    """A slug made from the record's name that no other record of its kind has."""
    base = slugify(str(record))
    if len(base) > SLUG_LENGTH:
        # Cut at a word's end, not in the middle of one.
        base = base[: SLUG_LENGTH + 1].rsplit("-", 1)[0]
    base = base.strip("-") or record._meta.model_name
    taken = set(type(record).objects.filter(slug__startswith=base).values_list("slug", flat=True))
    return next(
        candidate
        for candidate in (base, *(f"{base}-{n}" for n in range(2, len(taken) + 3)))
        if candidate not in taken
    )


def _store(record, expected_version: int | None) -> None:
    """Validate and save one record, counting its version; a stale edit is refused."""
    record.full_clean(exclude=["slug"] if not getattr(record, "slug", True) else None)
    current = None
    if record.pk is not None:
        current = (
            type(record).objects.select_for_update().filter(pk=record.pk).values("version").first()
        )
        if current is not None:
            if expected_version not in (None, current["version"]):
                raise StaleEdit(record)
            record.version = current["version"] + 1
    if hasattr(record, "slug") and not record.slug:
        _save_with_new_slug(record)
    elif current is None:
        record.save()
    else:
        # Only what curators write: derived columns (a request's status and latest answer)
        # belong to the function that derives them, and a record loaded before they changed
        # must not put their old values back.
        record.save(update_fields=[*curated_fields(record), "version", "updated_at"])


def curated_fields(record) -> list[str]:
    """The columns a curator writes: the editable ones (derived ones are not editable)."""
    return [
        field.name
        for field in record._meta.concrete_fields
        if field.editable and not field.primary_key
    ]


def _save_with_new_slug(record) -> None:
    """Save under a slug made from the name; if a concurrent writer took it first, take the
    next one free instead of failing."""
    for _ in range(SLUG_ATTEMPTS):
        record.slug = unique_slug(record)
        try:
            with transaction.atomic():
                record.save()
            return
        except IntegrityError:
            if not type(record).objects.filter(slug=record.slug).exists():
                raise
    raise ValidationError({"slug": "Could not find a free slug: give one."})


def showing_touch(record) -> None:
    """Mark as changed every record whose API representation shows this one (a summary of it,
    or it in full), so that clients syncing with changed_since fetch them again."""
    now = timezone.now()
    for relation in record._meta.related_objects:
        rows = relation.related_model.objects.filter(**{relation.field.name: record.pk})
        rows.update(updated_at=now)
        _containers_touch(relation.related_model, rows, now)
    _containers_touch(type(record), type(record).objects.filter(pk=record.pk), now)


def _containers_touch(model, rows, now) -> None:
    """Mark as changed the records that hold these in full, and those that hold them."""
    for container, related_name in SHOWN_INSIDE.get(model, ()):
        holders = container.objects.filter(**{f"{related_name}__in": rows})
        holders.update(updated_at=now)
        _containers_touch(container, holders, now)


@transaction.atomic
def record_save(
    *,
    record,
    expected_version: int | None = None,
    related: dict[str, Iterable] | None = None,
    citations: Iterable[Citation] = (),
):
    """Validate and save a record with its many-to-many links and its new citations: all of
    it, or nothing.

    Every save counts a version; given the version an editor started from, a save over a
    newer one is refused (StaleEdit). A new fact needs a citation: a quote of an article.
    """
    citations = list(citations)
    if type(record) in FACTS and record.pk is None and not citations:
        raise ValidationError(
            {"citations": "Cite at least one source article: a quote that reports this fact."}
        )
    _store(record, expected_version)
    for name, values in (related or {}).items():
        getattr(record, name).set(values)
    showing_touch(record)
    # Followers and webhooks are told in the next batch, if this transaction commits.
    events.record_saved(record)
    for citation in citations:
        setattr(citation, Citation.target_field_for(type(record)), record)
        record_save(record=citation)
    return record


@transaction.atomic
def record_delete(*, record) -> None:
    """Delete a record, and mark the records it was shown inside as changed; refused
    (ProtectedError) while a protected link names it."""
    for name in PROTECTED_LINKS.get(type(record), ()):
        if linked := set(getattr(record, name).all()):
            raise ProtectedError(f"“{record}” cannot be deleted: {name} name it.", linked)
    _containers_touch(type(record), type(record).objects.filter(pk=record.pk), timezone.now())
    record.delete()


@transaction.atomic
def citation_delete(*, citation: Citation) -> None:
    """Delete a citation; a fact keeps at least one while it exists."""
    if citation.target.citations.count() == 1:
        raise ValidationError(
            "This is the only citation of its fact: add another before removing it, "
            "or delete the fact."
        )
    record_delete(record=citation)
