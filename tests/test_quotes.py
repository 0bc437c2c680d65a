"""Citation quotes must occur in their article, as a reader comparing them would see it."""

import pytest
from django.core.exceptions import ValidationError

from requests_app.models import Citation
from requests_app.text.quotes import normalise, quote_in_text


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
