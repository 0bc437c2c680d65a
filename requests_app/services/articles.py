"""Articles brought in from scraped pages, with their outlet if it is new."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from ..models import Actor, DatePrecision, SourceArticle
from ..text import intake
from .records import record_save


class DuplicateArticle(ValidationError):
    """The address is already an article's: the answer names it, so the curator can go there."""

    def __init__(self, article: SourceArticle) -> None:
        self.article = article
        super().__init__(
            f"An article with this address is already stored: “{article.title}”.",
            code="duplicate_url",
        )


@dataclass
class Imported:
    article: SourceArticle
    outlet_created: bool


def article_with_url(url: str) -> SourceArticle | None:
    """The article stored under `url`, if any."""
    return SourceArticle.objects.filter(url=url).first() if url else None


def actors_named(name: str):
    """The actors whose slug, name or alias is `name` (ignoring case)."""
    return Actor.objects.filter(
        Q(slug=name) | Q(name__iexact=name) | Q(aliases__name__iexact=name)
    ).distinct()


def _outlet(name: str) -> tuple[Actor, bool]:
    """The media outlet called `name`, made if no actor has that name or alias."""
    named = list(actors_named(name)[:5])
    if len(named) > 1:
        listed = ", ".join(f"{a} ({a.get_kind_display()})" for a in named)
        raise ValidationError({"publisher": f"Several actors are called “{name}”: {listed}."})
    if named and named[0].kind != Actor.Kind.MEDIA_OUTLET:
        actor = named[0]
        raise ValidationError(
            {"publisher": f"“{actor}” is a {actor.get_kind_display().lower()}, not a media outlet."}
        )
    if named:
        return named[0], False
    outlet = Actor(name=name.strip(), kind=Actor.Kind.MEDIA_OUTLET)
    return record_save(record=outlet), True


def _date_evidence(page: intake.Intake, published_on: datetime.date | None, given: str) -> str:
    if given:
        return given
    if page.dateline and published_on in (None, page.published_on):
        return f"Dated on the page: “{page.dateline}”."
    return "Given by the curator at import."


@transaction.atomic
def article_import(
    *,
    raw_text: str,
    publisher: Actor | None = None,
    new_outlet: str = "",
    url: str = "",
    title: str = "",
    author: str = "",
    published_on: datetime.date | None = None,
    published_on_precision: str = DatePrecision.DAY,
    date_evidence: str = "",
    language: str = "",
    keep: frozenset[int] = frozenset(),
    drop: frozenset[int] = frozenset(),
) -> Imported:
    """A new source article from a scraped page's text, as its preview showed it: the lines
    the curator put back (`keep`) or took out (`drop`) by number. Its outlet, if named by
    `new_outlet` and unknown, is created as a media outlet. The byline and the dateline,
    found on the page, are the author and the date when none is given; the language, when
    none is given, is the one the text's script says."""
    if not raw_text.strip():
        raise ValidationError("The page has no text.")
    page = intake.read_page(raw_text, title=title, keep=keep, drop=drop)
    if existing := article_with_url(url):
        raise DuplicateArticle(existing)
    if not page.title:
        raise ValidationError({"title": "No headline was found on the page: give the title."})
    if not page.body:
        raise ValidationError("Nothing of the page is left as article text.")
    day = published_on or page.published_on
    if day is None:
        raise ValidationError(
            {"published_on": "The page shows no date: give the publication date."}
        )
    outlet_created = False
    if new_outlet.strip():
        publisher, outlet_created = _outlet(new_outlet.strip())
    article = SourceArticle(
        title=page.title,
        body=page.body,
        publisher=publisher,
        url=url,
        author=author or page.author,
        published_on=day,
        published_on_precision=published_on_precision if published_on else DatePrecision.DAY,
        date_evidence=_date_evidence(page, published_on, date_evidence),
        language=language or page.language,
    )
    return Imported(record_save(record=article), outlet_created)
