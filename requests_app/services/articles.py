"""Articles brought in from scraped pages."""

from django.db import transaction

from ..models import Actor, SourceArticle
from ..models.dates import parse_partial_date
from ..text import intake
from .records import record_save


@transaction.atomic
def article_import(
    *,
    raw_text: str,
    publisher: Actor | None,
    published_on: str,
    url: str = "",
    title: str = "",
    date_evidence: str = "",
    language: str = "en",
) -> SourceArticle:
    """A new source article from a scraped page's text, cleaned of site furniture."""
    title, body = intake.clean_text(raw_text, title)
    day, precision = parse_partial_date(published_on)
    article = SourceArticle(
        title=title,
        body=body,
        publisher=publisher,
        url=url,
        published_on=day,
        published_on_precision=precision,
        date_evidence=date_evidence or "Given by the curator at import.",
        language=language,
    )
    return record_save(record=article)
