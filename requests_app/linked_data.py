"""Machine-readable citations: schema.org JSON-LD claims for search engines and fact-checking
tools, and CSL-JSON for reference managers (Zotero, Mendeley, Pandoc)."""

import datetime
import json
import re

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from .models import AidRequest, AidResponse, DatePrecision, SourceArticle

# A day, a week, a month or a year as CSL date parts (CSL has no weeks: a week is given as
# its month).
DATE_PARTS = {
    DatePrecision.DAY: 3,
    DatePrecision.WEEK: 2,
    DatePrecision.MONTH: 2,
    DatePrecision.YEAR: 1,
}
# How long a partial date lasts, from its first day.
SPANS = {
    DatePrecision.WEEK: lambda day: day + datetime.timedelta(days=6),
    DatePrecision.MONTH: lambda day: (
        (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        - datetime.timedelta(days=1)
    ),
    DatePrecision.YEAR: lambda day: day.replace(month=12, day=31),
}
# What json.dumps leaves that could end a <script> element early.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def iso_day_or_interval(day, precision: str) -> str:
    """A day as ISO 8601 ('2024-11-28'); a week, month or year as the ISO 8601 interval of its
    days ('2024-07-01/2024-07-31'): a Date where one is expected, never '2024-07'."""
    if precision == DatePrecision.DAY:
        return day.isoformat()
    return f"{day.isoformat()}/{SPANS[precision](day).isoformat()}"


def news_article(request: HttpRequest, article: SourceArticle) -> dict:
    """A source as a schema.org NewsArticle: identified by its own address where known, the
    tracker's page about it as the page it is the main entity of."""
    data = {
        "@type": "NewsArticle",
        "headline": article.title,
        "inLanguage": article.language,
        "mainEntityOfPage": request.build_absolute_uri(article.get_absolute_url()),
    }
    if article.url:
        data["@id"] = data["url"] = article.url
    if article.published_on_precision == DatePrecision.DAY:
        data["datePublished"] = article.published_on.isoformat()
    else:
        data["temporalCoverage"] = iso_day_or_interval(
            article.published_on, article.published_on_precision
        )
    if article.author:
        data["author"] = {"@type": "Person", "name": article.author}
    if article.publisher:
        data["publisher"] = {"@type": "Organization", "name": article.publisher.name}
    return data


def quotation(request: HttpRequest, citation) -> dict:
    """A quote as a node of its own, in its article: a claim points at the very words that
    support it, even when another claim quotes the same article."""
    return {
        "@type": "Quotation",
        "@id": request.build_absolute_uri(citation.get_absolute_url()),
        "text": citation.quote,
        "isPartOf": news_article(request, citation.source),
    }


def claim(request: HttpRequest, fact, name: str, when: str) -> dict:
    """A fact as a schema.org Claim, appearing in the quotes that report it (citations
    prefetched, with their sources and publishers)."""
    citations = list(fact.citations.all())
    data = {
        "@type": "Claim",
        "@id": request.build_absolute_uri(fact.get_absolute_url()),
        "name": name,
        "text": fact.summary,
        "temporalCoverage": when,
        "appearance": [quotation(request, citation) for citation in citations],
    }
    if citations:
        first = min(citations, key=lambda citation: (citation.source.published_on, citation.pk))
        data["firstAppearance"] = {"@id": request.build_absolute_uri(first.get_absolute_url())}
    return data


def request_claims(request: HttpRequest, aid_request: AidRequest) -> dict:
    """The request and its answers as claims (loaded with AidRequest.objects.with_reports)."""

    def response_claim(response: AidResponse) -> dict:
        data = claim(
            request,
            response,
            f"{response.responder} on {aid_request}: {response.get_decision_display()}",
            iso_day_or_interval(response.responded_on, response.responded_on_precision),
        )
        return {**data, "about": {"@id": request_claim["@id"]}}

    request_claim = claim(
        request,
        aid_request,
        f"{aid_request.requester} asked {aid_request.addressee} for {aid_request.title}",
        iso_day_or_interval(aid_request.made_on, aid_request.made_on_precision),
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
        item["author"] = csl_names(article.author)
    if article.url:
        item["URL"] = article.url
    return item


def csl_names(byline: str) -> list[dict]:
    """'Jane Doe and John Roe' as two CSL names, each split into given and family names (the
    last word); a one-word byline ('Yonhap') stays a literal."""
    names = [name.strip() for name in re.split(r",|&|\band\b", byline) if name.strip()]
    return [
        {"given": name.rsplit(" ", 1)[0], "family": name.rsplit(" ", 1)[1]}
        if " " in name
        else {"literal": name}
        for name in names
    ]


# Parameters that say how a view is fetched, not what it shows: left out of a citation's name.
NOT_CITED = {"recorded_at", "format", "page_size"}


def view_citation(
    request: HttpRequest, path: str, query, moment: datetime.datetime, release: str | None
) -> dict:
    """'Cite this view': the view at `path` with the filters of `query`, pinned to `moment` of
    the record (its permalink), with ready citations: APA, BibTeX and CSL-JSON, each naming the
    view, the moment, the latest data release by then and the day it was accessed."""
    pinned = query.copy()
    pinned["recorded_at"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    permalink = request.build_absolute_uri(f"{path}?{pinned.urlencode()}")
    filters = ", ".join(
        f"{name}: {value}"
        for name in query
        if name not in NOT_CITED
        for value in query.getlist(name)
    )
    title = f"aidtracker: {path}" + (f" ({filters})" if filters else "")
    version = f"as recorded at {moment:%Y-%m-%d %H:%M:%S} UTC"
    released = None
    if release is not None:
        address = reverse("tracker:release-detail", args=[release])
        released = {"number": release, "url": request.build_absolute_uri(address)}
        version += f"; latest data release {release}"
    accessed = timezone.localdate()
    key = f"aidtracker{moment:%Y%m%d%H%M%S}"
    csl = {
        "id": key,
        "type": "dataset",
        "title": title,
        "author": [{"literal": "aidtracker"}],
        "issued": {"date-parts": [[moment.year, moment.month, moment.day]]},
        "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
        "version": version,
        "URL": permalink,
    }
    bibtex = (
        f"@misc{{{key},\n"
        f"  author = {{{{aidtracker}}}},\n"
        f"  title = {{{{{title}}}}},\n"
        f"  year = {{{moment.year}}},\n"
        f"  note = {{{capfirst(version)}; accessed {accessed.isoformat()}}},\n"
        f"  url = {{{permalink}}}\n"
        "}"
    )
    apa = (
        f"aidtracker. ({moment.year}, {moment:%B} {moment.day}). {title} [Data set, {version}]. "
        f"Retrieved {accessed:%B} {accessed.day}, {accessed.year}, from {permalink}"
    )
    return {
        "permalink": permalink,
        "title": title,
        "moment": moment,
        "release": released,
        "accessed": accessed,
        "apa": apa,
        "bibtex": bibtex,
        "csl": csl,
        "csl_json": json.dumps([csl], ensure_ascii=False),
    }
