"""Saving and deleting curated records: validated and versioned (the database itself counts
each write in the data version: requests_app/triggers.py). A change a reader would see of a
fact, or of its citations, returns the fact to draft, to await a second reader."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, router, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.text import slugify

from alerts import events

from ..models import CURATED, FACTS, Actor, AidRequest, AidResponse, Citation
from ..models.base import REVIEW_FIELDS, ReviewState, curated_fields, locked, version_lock
from .history import requests_history_refresh, requests_reported_by


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


def _store(record, expected_version: int | None, also: Iterable[str] = ()) -> None:
    """Validate and save one record, counting its version, with the derived fields named in
    `also`; a stale edit is refused."""
    record.full_clean(exclude=["slug"] if not getattr(record, "slug", True) else None)
    rows = locked(type(record).objects.filter(pk=record.pk))  # the version even for a new one
    current = rows.values("version").first() if record.pk is not None else None
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
        record.save(update_fields=[*curated_fields(record), *also, "version", "updated_at"])


def _saved_values(record) -> dict | None:
    """What the database holds of the record's curated fields (and a fact's review state);
    None for a new record."""
    if record.pk is None:
        return None
    fields = [record._meta.get_field(name).attname for name in curated_fields(record)]
    if type(record) in FACTS:
        fields.append("review_state")
    return type(record).objects.filter(pk=record.pk).values(*fields).first()


def _changes_seen(record, saved: dict | None, related: dict[str, Iterable]) -> bool:
    """Whether saving the record changes anything a reader sees of it: its curated fields or
    its many-to-many links."""
    if saved is None:
        return True
    fields = [record._meta.get_field(name).attname for name in curated_fields(record)]
    if any(saved[field] != getattr(record, field) for field in fields):
        return True
    return any(
        set(getattr(record, name).values_list("pk", flat=True))
        != {getattr(value, "pk", value) for value in values}
        for name, values in related.items()
    )


def _facts_cited(citation: Citation, saved: dict | None) -> list:
    """The fact a citation cites, and the one it cited before this save if another."""
    facts = []
    for field in Citation.TARGET_FIELDS:
        model = Citation._meta.get_field(field).related_model
        pks = {getattr(citation, f"{field}_id"), saved and saved[f"{field}_id"]} - {None}
        facts += [model(pk=pk) for pk in pks]
    return facts


def review_fields_save(fact, reason: str, user=None) -> None:
    """Save a fact's review fields alone, counting a version, with `reason` in its history
    (and `user`, where no request names one)."""
    fact.version += 1
    fact._change_reason = reason
    if user is not None:
        fact._history_user = user
    fact.save(update_fields=[*REVIEW_FIELDS, "version", "updated_at"])


def review_lapse(*, fact, reason: str = "its citations changed") -> None:
    """Return a reviewed or questioned fact to draft: something its second reader read (its
    citations, by default) has changed since."""
    stored = locked(type(fact).objects.filter(pk=fact.pk)).first()
    if stored is None or stored.review_state == ReviewState.DRAFT:
        return
    stored.clear_review()
    review_fields_save(stored, f"Back to draft: {reason}")


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
        if relation.related_model not in CURATED:
            continue  # derived rows (a request's history) are no representation of it
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
    citations, related = list(citations), related or {}
    if type(record) in FACTS and record.pk is None and not citations:
        raise ValidationError(
            {"citations": "Cite at least one source article: a quote that reports this fact."}
        )
    saved = _saved_values(record)
    changed = _changes_seen(record, saved, related)
    # A new fact, and a read one that changes, awaits a (new) second reader; a change to a
    # citation sends the facts it cites (before and after) back to them too.
    lapses = type(record) in FACTS and (
        saved is None or (changed and saved["review_state"] != ReviewState.DRAFT)
    )
    if lapses:
        record.clear_review()
    _store(record, expected_version, also=REVIEW_FIELDS if lapses else ())
    for name, values in related.items():
        getattr(record, name).set(values)
    if isinstance(record, Citation) and changed:
        for fact in _facts_cited(record, saved):
            review_lapse(fact=fact)
    showing_touch(record)
    requests_history_refresh(request_ids=requests_reported_by(record))
    # Followers and webhooks are told in the next batch, if this transaction commits.
    events.record_saved(record)
    for citation in citations:
        setattr(citation, Citation.target_field_for(type(record)), record)
        record_save(record=citation)
    return record


@transaction.atomic
def record_delete(*, record) -> None:
    """Delete a record, and mark the records it was shown inside as changed (a fact that loses
    a citation returns to draft); refused (ProtectedError) while a protected link names it."""
    for name in PROTECTED_LINKS.get(type(record), ()):
        if linked := set(getattr(record, name).all()):
            raise ProtectedError(f"“{record}” cannot be deleted: {name} name it.", linked)
    version_lock(router.db_for_write(type(record)))
    _containers_touch(type(record), type(record).objects.filter(pk=record.pk), timezone.now())
    reported = requests_reported_by(record)
    record.delete()
    requests_history_refresh(request_ids=reported)
    if isinstance(record, Citation):
        review_lapse(fact=record.target)


@transaction.atomic
def citation_delete(*, citation: Citation) -> None:
    """Delete a citation; a fact keeps at least one while it exists."""
    if citation.target.citations.count() == 1:
        raise ValidationError(
            "This is the only citation of its fact: add another before removing it, "
            "or delete the fact."
        )
    record_delete(record=citation)
