"""Machine-readable citations: schema.org JSON-LD claims and CSL-JSON for reference managers."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from requests_app.linked_data import csl_names, iso_day_or_interval
from requests_app.models import AidRequest, DatePrecision, SourceArticle

CHEONGUNG = "ua-kr-2024-11-cheongung"


def embedded_json_ld(html: str) -> dict:
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    return json.loads(scripts[0])


def test_a_request_page_embeds_its_claims_with_their_articles_and_quotes(client, seeded):
    cheongung = AidRequest.objects.get(slug=CHEONGUNG)

    graph = embedded_json_ld(client.get(cheongung.get_absolute_url()).content.decode())

    assert graph["@context"] == "https://schema.org"
    claim, *answers = graph["@graph"]
    assert claim["@type"] == "Claim"
    assert claim["@id"] == f"http://testserver/requests/{cheongung.pk}/"
    assert claim["name"] == "Ukraine asked South Korea for Cheongung air defence missile systems"
    assert claim["temporalCoverage"] == "2024-11-27"
    # Each quote is a node of its own, part of its article; the article is identified by its
    # own address, the tracker's page about it only the page it is the main entity of.
    quotes = claim["appearance"]
    assert {q["@type"] for q in quotes} == {"Quotation"}
    assert {q["text"] for q in quotes} == set(cheongung.citations.values_list("quote", flat=True))
    assert all("#citation-" in q["@id"] for q in quotes)
    articles = {q["isPartOf"]["headline"]: q["isPartOf"] for q in quotes}
    assert {a["@type"] for a in articles.values()} == {"NewsArticle"}
    assert len(articles) == 3
    euromaidan = articles["Seoul declines Ukrainian request for defense system sales"]
    assert euromaidan["publisher"] == {"@type": "Organization", "name": "Euromaidan Press"}
    assert euromaidan["datePublished"] == "2024-11-28"
    for article in articles.values():
        assert article["mainEntityOfPage"].startswith("http://testserver/sources/")
        assert article.get("@id") == article.get("url")
    # The Kyiv Post reported it first, the day before the visit.
    first = next(q for q in quotes if q["isPartOf"]["headline"].startswith("Ukrainian Defense"))
    assert claim["firstAppearance"] == {"@id": first["@id"]}

    silence, declined = answers
    assert silence["name"].endswith(": Declined to comment")
    assert declined["about"] == {"@id": claim["@id"]}
    refusal = cheongung.responses.get(decision="declined")
    assert declined["@id"].endswith(f"#response-{refusal.pk}")
    assert declined["name"] == ("South Korea on Cheongung air defence missile systems: Declined")


def test_the_api_offers_the_same_json_ld(client, api, seeded):
    cheongung = AidRequest.objects.get(slug=CHEONGUNG)
    page = embedded_json_ld(client.get(cheongung.get_absolute_url()).content.decode())

    response = api.get(reverse("api:request-jsonld", args=[cheongung.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    assert response.json() == page


def test_json_ld_as_of_a_day_holds_only_what_was_reported_by_then(api, seeded):
    url = reverse("api:request-jsonld", args=[AidRequest.objects.get(slug=CHEONGUNG).pk])

    graph = api.get(url, {"as_of": "2024-11-26"}).json()["@graph"]

    assert {q["isPartOf"]["datePublished"] for q in graph[0]["appearance"]} == {"2024-11-26"}
    # No decision yet: only the defence ministry's declining to comment.
    assert [answer["name"].rsplit(": ", 1)[1] for answer in graph[1:]] == ["Declined to comment"]
    assert api.get(url, {"as_of": "2024-11-01"}).status_code == 404


def test_json_ld_cannot_end_its_script_early(client, seeded):
    cheongung = AidRequest.objects.get(slug=CHEONGUNG)
    cheongung.summary = 'Asked for </script><script>alert("x")</script> & more'
    cheongung.save()

    html = client.get(cheongung.get_absolute_url()).content.decode()

    assert "</script><script>alert" not in html
    assert embedded_json_ld(html)["@graph"][0]["text"] == cheongung.summary


def cite_json(client, article: SourceArticle) -> dict:
    response = client.get(reverse("tracker:source-cite", args=[article.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json"
    (item,) = response.json()
    return item


def test_an_article_exports_a_csl_json_citation(client, seeded):
    article = SourceArticle.objects.get(slug="ep-2024-11-28-seoul-declines")

    item = cite_json(client, article)

    assert item == {
        "id": "ep-2024-11-28-seoul-declines",
        "type": "article-newspaper",
        "title": "Seoul declines Ukrainian request for defense system sales",
        "container-title": "Euromaidan Press",
        "issued": {"date-parts": [[2024, 11, 28]]},
        "language": "en",
        "note": f"Cited by aidtracker: http://testserver/sources/{article.pk}/",
        **({"URL": article.url} if article.url else {}),
        **({"author": csl_names(article.author)} if article.author else {}),
    }


@pytest.mark.parametrize(
    ("precision", "day", "parts"),
    [
        (DatePrecision.MONTH, datetime.date(2024, 7, 1), [2024, 7]),
        (DatePrecision.YEAR, datetime.date(2024, 1, 1), [2024]),
    ],
)
def test_csl_dates_are_as_precise_as_the_source(client, seeded, precision, day, parts):
    article = SourceArticle.objects.get(slug="ponomarenko-appeal-2024-07")
    article.published_on, article.published_on_precision = day, precision
    article.save()

    item = cite_json(client, article)

    assert item["issued"] == {"date-parts": [parts]}
    assert "container-title" not in item  # the publisher is not identified


def test_pages_link_to_the_citation(client, seeded):
    article = SourceArticle.objects.get(slug="ep-2024-11-28-seoul-declines")
    cite = reverse("tracker:source-cite", args=[article.pk])

    source_page = client.get(article.get_absolute_url()).content.decode()
    request_page = client.get(
        AidRequest.objects.get(slug=CHEONGUNG).get_absolute_url()
    ).content.decode()

    assert (
        f'type="application/vnd.citationstyles.csl+json" title="Citation (CSL-JSON)" href="{cite}"'
        in source_page
    )
    assert f'href="{cite}"' in request_page


def test_citing_an_unknown_article_answers_404(client, seeded):
    assert client.get(reverse("tracker:source-cite", args=[10**6])).status_code == 404


def test_a_byline_becomes_one_csl_name_per_author():
    assert csl_names("Jane Doe and John Roe") == [
        {"given": "Jane", "family": "Doe"},
        {"given": "John", "family": "Roe"},
    ]
    assert csl_names("Yonhap") == [{"literal": "Yonhap"}]


@pytest.mark.parametrize(
    ("precision", "day", "shown"),
    [
        (DatePrecision.DAY, datetime.date(2024, 11, 28), "2024-11-28"),
        (DatePrecision.WEEK, datetime.date(2024, 11, 25), "2024-11-25/2024-12-01"),
        (DatePrecision.MONTH, datetime.date(2024, 2, 1), "2024-02-01/2024-02-29"),
        (DatePrecision.YEAR, datetime.date(2023, 1, 1), "2023-01-01/2023-12-31"),
    ],
)
def test_partial_dates_are_valid_iso_dates_or_intervals(precision, day, shown):
    assert iso_day_or_interval(day, precision) == shown
