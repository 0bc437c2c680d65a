"""Citation quotes must occur in their article, as a reader comparing them would see it."""

import unicodedata

import pytest
from django.core.exceptions import ValidationError

from requests_app.models import Citation
from requests_app.text.quotes import find_quote, normalise, quote_in_context, quote_in_text


@pytest.mark.parametrize(
    ("quote", "text"),
    [
        ("the ‘shield’ in the sky", "the 'shield' in the sky"),
        ("“not weapons.”", '"not weapons."'),
        ("Russia–North Korea treaty", "Russia-North Korea treaty"),
        ("declined the\n   weapon   sales", "declined the weapon sales"),
        ("Kim\u00a0Yong-hyun", "Kim Yong-hyun"),
        ("and so on…", "and so on..."),
    ],
)
def test_typographic_variants_match_both_ways(quote, text):
    assert quote_in_text(quote, text)
    assert quote_in_text(text, quote)


@pytest.mark.parametrize(
    "quote",
    ["declined the weapon sale to Ukraine", "Declined The Weapon Sales", "", "   "],
)
def test_different_wording_case_or_empty_quote_does_not_match(quote):
    assert not quote_in_text(quote, "the government ultimately declined the weapon sales")


def test_normalise_collapses_whitespace_and_folds_quotes():
    assert normalise("  “A”\t‘b’ —\n c  ") == "\"A\" 'b' - c"


def test_verbatim_quote_with_curly_quotes_and_line_breaks_is_saved(article, aid_request, cite):
    quote = '"Anti-aircraft systems are purely defensive equipment,\n  not weapons."'

    citation = cite(article, quote, request=aid_request)

    assert Citation.objects.get(source=article) == citation


def test_quote_not_in_article_is_refused_with_the_quote_shown(article, aid_request, cite):
    with pytest.raises(ValidationError) as error:
        cite(article, "Seoul agreed to sell Cheongung.", request=aid_request)

    assert "“Seoul agreed to sell Cheongung.”" in error.value.message_dict["quote"][0]
    assert not Citation.objects.filter(source=article).exists()


def test_error_shows_where_the_quote_leaves_the_article(article, aid_request, cite):
    quote = "citing potential violations of internal trade laws restricting exports"

    with pytest.raises(ValidationError) as error:
        cite(article, quote, request=aid_request)

    message = error.value.message_dict["quote"][0]
    assert "matches it up to “…citing potential violations of ”" in message
    assert "then reads “external trade laws" in message
    assert "where the quote has “internal trade laws" in message


def test_error_says_when_nothing_in_the_article_starts_like_the_quote(article, aid_request, cite):
    with pytest.raises(ValidationError, match="No passage of the article starts like this quote"):
        cite(article, "Completely invented words.", request=aid_request)


# Hangul typed as separate jamo (NFD), as some Korean pages and input methods store it.
DECOMPOSED = unicodedata.normalize("NFD", "천궁을 검토하겠다")


@pytest.mark.parametrize(
    ("quote", "text"),
    [
        # Full-width punctuation and letters in the body, half-width in the quote.
        ("무기 지원, 검토!", "무기 지원，검토！"),
        ("무기 지원, 검토!", "무기 지원， 검토！"),
        ("KM-SAM 2", "ＫＭ-ＳＡＭ ２"),
        # Korean quotation marks and brackets, and its middle dots.
        ('"살상무기 지원은 없다"', "「살상무기 지원은 없다」"),
        ('"살상무기 지원은 없다"', "『살상무기 지원은 없다』"),
        ('"조선일보" 보도', "《조선일보》 보도"),
        ("한·미 정상", "한ㆍ미 정상"),
        ("국방부는 검토 중이다.", "국방부는 검토 중이다。"),
        # Hangul composed in the quote, decomposed in the body.
        ("천궁을 검토하겠다", DECOMPOSED),
        # Ukrainian: guillemets, low-high quotes, and its apostrophe in three spellings.
        ("«Нам потрібна ППО»", '"Нам потрібна ППО"'),
        ("„Нам потрібна ППО“", '"Нам потрібна ППО"'),
        ("обʼєднання", "об’єднання"),
        ("обʼєднання", "об'єднання"),
        ("Київ\u00a0—\u00a0Сеул", "Київ - Сеул"),
        ("Київ Сеул", "Київ\u3000Сеул"),  # ideographic space
    ],
)
def test_forms_and_scripts_match_both_ways(quote, text):
    assert quote_in_text(quote, text)
    assert quote_in_text(text, quote)


@pytest.mark.parametrize(
    ("quote", "text"),
    [
        ("천궁을 검토하지 않겠다", "천궁을 검토하겠다"),
        ("Київ", "Киев"),  # Ukrainian and Russian spellings are different words
        ("Kиїв", "Київ"),  # a Latin K typed among Cyrillic letters
    ],
)
def test_different_letters_in_any_script_do_not_match(quote, text):
    assert not quote_in_text(quote, text)


@pytest.mark.parametrize(
    ("quote", "text", "found"),
    [
        (
            "천궁을 검토",
            f"국방부는 {DECOMPOSED}고 밝혔다",
            unicodedata.normalize("NFD", "천궁을 검토"),
        ),
        ("지원, 검토!", "무기 지원，검토！ 끝", "지원，검토！"),
        ('"ППО"', "потрібна «ППО» зараз", "«ППО»"),
        ("KM-SAM", "천궁(ＫＭ-ＳＡＭ) 도입", "ＫＭ-ＳＡＭ"),
    ],
)
def test_find_quote_returns_the_passage_as_the_article_writes_it(quote, text, found):
    start, end = find_quote(quote, text)
    assert text[start:end] == found


def test_a_korean_quote_is_shown_in_its_sentences():
    text = "국방부는 11일 입장을 냈다. 「살상무기 지원은 없다」고 밝혔다. 다음 문장이다. 끝."

    shown = quote_in_context('"살상무기 지원은 없다"', text)

    assert (shown.before, shown.quote, shown.after) == (
        "국방부는 11일 입장을 냈다. ",
        "「살상무기 지원은 없다」",
        "고 밝혔다. 다음 문장이다.",
    )
