"""Sources in their own language: a quote kept as the article says it, with an attributed
English translation beside it, and the article's headline in English beside its own."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from requests_app import services
from requests_app.models import Citation, SourceArticle

KOREAN_BODY = (
    "국방부는 28일 「우크라이나에 대한 살상무기 지원은 없다」는 기존 입장에 변함이 없다고 "
    "밝혔다.\n\n천궁(ＫＭ-ＳＡＭ) 수출도 검토하지 않는다고 덧붙였다."
)
KOREAN_QUOTE = '"우크라이나에 대한 살상무기 지원은 없다"'
TRANSLATION = "There is no lethal aid to Ukraine."


@pytest.fixture
def korean_article(make_article) -> SourceArticle:
    return make_article(
        "yonhap-ko",
        body=KOREAN_BODY,
        title='국방부 "우크라 살상무기 지원 없다"',
        title_translation="Defence ministry: no lethal weapons for Ukraine",
        language="ko",
    )


@pytest.fixture
def as_curator(api, curator, token_for):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(curator)}")
    return api


def test_a_quote_in_korean_is_kept_with_its_attributed_translation(
    korean_article, aid_request, cite
):
    citation = services.record_save(
        record=Citation(
            source=korean_article,
            quote=KOREAN_QUOTE,
            quote_translation=TRANSLATION,
            translation_source=Citation.Translator.CURATOR,
            request=aid_request,
        )
    )

    citation.refresh_from_db()
    assert (citation.quote, citation.quote_translation) == (KOREAN_QUOTE, TRANSLATION)
    assert citation.translation_credit == "Translation: the curator"
    assert citation.history.first().quote_translation == TRANSLATION


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"quote_translation": TRANSLATION}, "translation_source"),
        ({"translation_source": "curator"}, "quote_translation"),
        (
            {"quote_translation": TRANSLATION, "translation_source": "other"},
            "translation_source_name",
        ),
        (
            {
                "quote_translation": TRANSLATION,
                "translation_source": "curator",
                "translation_source_name": "Yonhap",
            },
            "translation_source_name",
        ),
    ],
)
def test_a_translation_says_who_made_it_or_is_refused(korean_article, aid_request, fields, field):
    citation = Citation(source=korean_article, quote=KOREAN_QUOTE, request=aid_request, **fields)
    with pytest.raises(ValidationError) as error:
        services.record_save(record=citation)
    assert field in error.value.message_dict
    assert not Citation.objects.filter(source=korean_article).exists()


def test_the_database_refuses_an_unattributed_translation(korean_article, aid_request, cite):
    citation = cite(korean_article, KOREAN_QUOTE, request=aid_request)
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.filter(pk=citation.pk).update(quote_translation=TRANSLATION)


def test_the_api_writes_and_reads_a_translation(as_curator, korean_article, aid_request):
    body = {
        "source": korean_article.pk,
        "request": aid_request.pk,
        # Typed with half-width punctuation; the article has full-width forms.
        "quote": "천궁(KM-SAM) 수출도 검토하지 않는다",
        "quote_translation": "Nor is it considering exports of Cheongung (KM-SAM).",
        "translation_source": "other",
        "translation_source_name": "Yonhap News Agency (English edition)",
    }
    created = as_curator.post(reverse("api:citation-list"), body, format="json")
    assert created.status_code == 201, created.json()

    read = as_curator.get(created.json()["url"]).json()
    assert {name: read[name] for name in body if name not in ("source", "request")} == {
        name: value for name, value in body.items() if name not in ("source", "request")
    }
    assert read["source"]["language"] == "ko"
    assert read["source"]["title_translation"] == korean_article.title_translation
    listed = as_curator.get(reverse("api:request-detail", args=[aid_request.pk])).json()
    cited = [c for c in listed["citations"] if c["source"]["id"] == korean_article.pk]
    assert cited[0]["quote_translation"] == body["quote_translation"]


def test_the_api_refuses_a_translation_without_its_translator(
    as_curator, korean_article, aid_request
):
    body = {
        "source": korean_article.pk,
        "request": aid_request.pk,
        "quote": KOREAN_QUOTE,
        "quote_translation": TRANSLATION,
    }
    response = as_curator.post(reverse("api:citation-list"), body, format="json")

    assert response.status_code == 400
    assert "translation_source" in response.json()
    assert not Citation.objects.filter(source=korean_article).exists()


def test_the_api_writes_an_articles_translated_title(as_curator, korean_article):
    url = reverse("api:source-detail", args=[korean_article.pk])
    response = as_curator.patch(url, {"title_translation": "No lethal aid"}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["title_translation"] == "No lethal aid"
    korean_article.refresh_from_db()
    assert korean_article.title_translation == "No lethal aid"
    assert korean_article.history.first().title_translation == "No lethal aid"


def test_a_new_article_in_ukrainian_through_the_api(as_curator):
    body = {
        "slug": "ukrinform-uk",
        "title": "Умєров обговорив у Сеулі постачання ППО",
        "title_translation": "Umerov discussed air defence supplies in Seoul",
        "published_on": "2024-11-27",
        "published_on_precision": "day",
        "date_evidence": "Dated in the text.",
        "language": "uk",
        "body": "Міністр оборони України Рустем Умєров прибув до Сеула.",
    }
    response = as_curator.post(reverse("api:source-list"), body, format="json")

    assert response.status_code == 201, response.json()
    saved = SourceArticle.objects.get(slug="ukrinform-uk")
    assert (saved.title_translation, saved.language) == (body["title_translation"], "uk")
    assert saved.published_on == datetime.date(2024, 11, 27)


@pytest.fixture
def translated(korean_article, aid_request) -> Citation:
    return services.record_save(
        record=Citation(
            source=korean_article,
            # Typed with half-width forms: the page marks the article's own full-width text.
            quote="천궁(KM-SAM) 수출도 검토하지 않는다",
            quote_translation="Nor is it considering exports of Cheongung (KM-SAM).",
            translation_source=Citation.Translator.OTHER,
            translation_source_name="Yonhap's English edition",
            request=aid_request,
        )
    )


def test_a_fact_shows_the_original_quote_in_its_language_and_the_translation_beneath(
    client, translated, aid_request
):
    html = client.get(aid_request.get_absolute_url()).content.decode()

    original = html.index('<blockquote lang="ko">“천궁(KM-SAM) 수출도 검토하지 않는다”')
    translation = html.index("“Nor is it considering exports of Cheongung (KM-SAM).”")
    assert html.index("In the original Korean:") < original < translation
    assert html.index("(Translation: Yonhap&#x27;s English edition)") < translation
    assert '<span lang="ko">국방부 &quot;우크라 살상무기 지원 없다&quot;</span>' in html
    assert "(in English: “Defence ministry: no lethal weapons for Ukraine”)" in html


def test_an_untranslated_quote_is_shown_alone_in_its_language(client, aid_request, article):
    html = client.get(aid_request.get_absolute_url()).content.decode()

    assert '<blockquote lang="en">' in html
    assert "In the original" not in html
    assert "In English" not in html


def test_the_article_page_shows_its_text_in_its_language_with_the_cited_passage_marked(
    client, translated, korean_article
):
    html = client.get(korean_article.get_absolute_url()).content.decode()

    assert '<h1 id="article-title" lang="ko">' in html
    assert "In English: “Defence ministry: no lethal weapons for Ukraine”" in html
    assert '<article class="source__body" lang="ko"' in html
    assert "<mark>천궁(ＫＭ-ＳＡＭ) 수출도 검토하지 않는다</mark>" in html
    assert "in Korean" in html
    footnote = html[html.index('id="quote-1"') :]
    assert "“Nor is it considering exports of Cheongung (KM-SAM).”" in footnote


def test_the_list_of_articles_shows_translated_headlines(client, korean_article):
    html = client.get(reverse("tracker:source-list")).content.decode()

    assert f'lang="ko">{korean_article.title.replace(chr(34), "&quot;")}</a>' in html
    assert "In English: “Defence ministry: no lethal weapons for Ukraine”" in html


@pytest.mark.parametrize("q", ["살상무기", "lethal weapons", "LETHAL"])
def test_articles_are_found_by_their_headline_or_its_translation(client, korean_article, q):
    found = client.get(reverse("api:source-list"), {"q": q}).json()["results"]

    assert [row["id"] for row in found] == [korean_article.pk]
