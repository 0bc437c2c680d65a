"""Machine-readable citations: schema.org JSON-LD claims for search engines and fact-checking
tools, and CSL-JSON for reference managers (Zotero, Mendeley, Pandoc)."""

import json
from operator import attrgetter

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from .models import AidRequest, AidResponse, DatePrecision, SourceArticle

# A day, a week, a month or a year, as ISO 8601 and as CSL date parts (CSL has no weeks:
# a week is given as its month).
ISO_FORMATS = {
    DatePrecision.DAY: "%Y-%m-%d",
    DatePrecision.WEEK: "%G-W%V",
    DatePrecision.MONTH: "%Y-%m",
    DatePrecision.YEAR: "%Y",
}
DATE_PARTS = {
    DatePrecision.DAY: 3,
    DatePrecision.WEEK: 2,
    DatePrecision.MONTH: 2,
    DatePrecision.YEAR: 1,
}
# What json.dumps leaves that could end a <script> element early.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def partial_iso(day, precision: str) -> str:
    return day.strftime(ISO_FORMATS[precision])


def news_article(request: HttpRequest, article: SourceArticle, quotes: list[str]) -> dict:
    """A source as a schema.org NewsArticle, holding the quotes a claim rests on."""
    data = {
        "@type": "NewsArticle",
        "@id": request.build_absolute_uri(article.get_absolute_url()),
        "headline": article.title,
        "datePublished": partial_iso(article.published_on, article.published_on_precision),
        "inLanguage": article.language,
        "hasPart": [{"@type": "Quotation", "text": quote} for quote in quotes],
    }
    if article.url:
        data["url"] = article.url
    if article.author:
        data["author"] = {"@type": "Person", "name": article.author}
    if article.publisher:
        data["publisher"] = {"@type": "Organization", "name": article.publisher.name}
    return data


def claim(request: HttpRequest, fact, name: str, when: str) -> dict:
    """A fact as a schema.org Claim, appearing in the articles that report it (citations
    prefetched, with their sources and publishers)."""
    quotes: dict[SourceArticle, list[str]] = {}
    for citation in fact.citations.all():
        quotes.setdefault(citation.source, []).append(citation.quote)
    data = {
        "@type": "Claim",
        "@id": request.build_absolute_uri(fact.get_absolute_url()),
        "name": name,
        "text": fact.summary,
        "temporalCoverage": when,
        "appearance": [news_article(request, source, texts) for source, texts in quotes.items()],
    }
    if quotes:
        first = min(quotes, key=attrgetter("published_on"))
        data["firstAppearance"] = {"@id": request.build_absolute_uri(first.get_absolute_url())}
    return data


def request_claims(request: HttpRequest, aid_request: AidRequest) -> dict:
    """The request and its answers as claims (loaded with AidRequest.objects.with_reports)."""

    def response_claim(response: AidResponse) -> dict:
        data = claim(
            request,
            response,
            f"{response.responder} on {aid_request}: {response.get_decision_display()}",
            partial_iso(response.responded_on, response.responded_on_precision),
        )
        return {**data, "about": {"@id": request_claim["@id"]}}

    request_claim = claim(
        request,
        aid_request,
        f"{aid_request.requester} asked {aid_request.addressee} for {aid_request.title}",
        partial_iso(aid_request.made_on, aid_request.made_on_precision),
    )
    return {
        "@context": "https://schema.org",
        "@graph": [request_claim, *map(response_claim, aid_request.responses.all())],
    }


def script(data: dict) -> SafeString:
    """JSON to embed in a <script type="application/ld+json"> element."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(SCRIPT_ESCAPES))


def csl_item(request: HttpRequest, article: SourceArticle) -> dict:
    """A source as a CSL-JSON item, which reference managers import."""
    parts = [article.published_on.year, article.published_on.month, article.published_on.day]
    item = {
        "id": article.slug,
        "type": "article-newspaper",
        "title": article.title,
        "issued": {"date-parts": [parts[: DATE_PARTS[article.published_on_precision]]]},
        "language": article.language,
        "note": f"Cited by aidtracker: {request.build_absolute_uri(article.get_absolute_url())}",
    }
    if article.publisher:
        item["container-title"] = article.publisher.name
    if article.author:
        item["author"] = [{"literal": article.author}]
    if article.url:
        item["URL"] = article.url
    return item
