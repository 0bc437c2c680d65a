"""Article intake, tested on the five seed articles as they were scraped, and on the command
line: cleaning, the preview, new outlets, duplicates and the names found."""

import datetime
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from requests_app.models import Actor, Citation, SourceArticle
from requests_app.text.intake import read_page
from requests_app.text.names import mentions

# The five source pages as they were scraped, copied from the project's brief so that the
# tests run wherever the repository is cloned.
SEEDS = Path(__file__).parent / "data" / "seeds"
CURATED = {
    o["fields"]["slug"]: o["fields"]
    for o in json.loads((settings.BASE_DIR / "fixtures" / "30_sources.json").read_text())
}
SEED_ARTICLES = {
    "000_dcf261dec283cbad.txt": "ponomarenko-appeal-2024-07",
    "001_2f5d51089557adaf.txt": "ki-zelensky-chosun-2023-05",
    "002_f934b9b27f04886c.txt": "visit-seeks-weapons-2024-11",
    "003_b1049a0f5ec2ed7a.txt": "kp-weapons-wish-list-2024-11",
    "004_4a877bff2c10e4a4.txt": "ep-2024-11-28-seoul-declines",
}
# Lines of the seed pages that only their place makes suspect: the text under a "Video"
# label, a promo's blurb, a link's title before the author box. Kept, for the curator.
DOUBTFUL = {
    "000_dcf261dec283cbad.txt": [],
    "001_2f5d51089557adaf.txt": [29, 39, 43],
    "002_f934b9b27f04886c.txt": [],
    "003_b1049a0f5ec2ed7a.txt": [28],
    "004_4a877bff2c10e4a4.txt": [],
}


@pytest.mark.parametrize(("seed", "slug"), SEED_ARTICLES.items())
def test_cleaning_a_seed_page_keeps_every_curated_paragraph_and_finds_the_headline(seed, slug):
    page = read_page((SEEDS / seed).read_text())

    kept = page.body.split("\n\n")
    assert page.title == CURATED[slug]["title"]
    assert [p for p in CURATED[slug]["body"].split("\n\n") if p not in kept] == []
    assert [line.number for line in page.doubtful] == DOUBTFUL[seed]


@pytest.mark.parametrize(("seed", "slug"), SEED_ARTICLES.items())
def test_a_seed_page_gives_the_curated_text_once_its_doubtful_lines_are_taken_out(seed, slug):
    page = read_page((SEEDS / seed).read_text(), drop=frozenset(DOUBTFUL[seed]))

    assert page.body == CURATED[slug]["body"]


def test_the_author_box_of_a_seed_page_is_its_author_not_its_text():
    page = read_page((SEEDS / "001_2f5d51089557adaf.txt").read_text())

    assert page.author == CURATED["ki-zelensky-chosun-2023-05"]["author"]
    assert "news desk" not in page.body
    assert {line.reason for line in page.removed_by_cleaning if line.number in (30, 31)} == {
        "the author box",
        "the author box's name",
    }


def test_a_page_showing_its_headline_twice_keeps_its_lead_paragraph():
    raw = (
        "Menu\nSkip to content\n"
        "Seoul weighs arms for Kyiv\n\nSeoul weighs arms for Kyiv\n\n"
        "South Korea is considering sending air defence systems to Ukraine, officials said.\n\n"
        "The decision follows the treaty between Russia and North Korea."
    )

    page = read_page(raw)

    assert page.title == "Seoul weighs arms for Kyiv"
    assert page.body == (
        "South Korea is considering sending air defence systems to Ukraine, officials said.\n\n"
        "The decision follows the treaty between Russia and North Korea."
    )
    assert [(line.number, line.reason) for line in page.removed_by_cleaning] == [
        (1, "navigation"),
        (2, "navigation"),
        (3, "the headline"),
        (5, "the headline"),
    ]


def test_bylines_and_datelines_become_the_author_and_the_date_not_body():
    raw = (
        "By Jane Doe\nPublished 28 November 2024, 10:32 KST\n"
        "Seoul declines the sale\n"
        "The government declined the sale on Thursday."
    )

    page = read_page(raw)

    assert (page.title, page.author) == ("Seoul declines the sale", "Jane Doe")
    assert page.dateline == "Published 28 November 2024, 10:32 KST"
    assert page.published_on == datetime.date(2024, 11, 28)
    assert page.body == "The government declined the sale on Thursday."


def test_a_sentence_that_starts_like_a_byline_stays_in_the_text():
    raw = "Seoul holds firm\nBy Tuesday, nothing had changed in Seoul.\nBy Jane Doe"

    page = read_page(raw)

    assert page.body == "By Tuesday, nothing had changed in Seoul."
    assert page.author == "Jane Doe"


def test_the_curator_puts_back_and_takes_out_lines_by_number():
    raw = "Seoul holds firm\nAdvertisement\nSeoul said no.\nSubscribe\nIt gave no reason."

    page = read_page(raw, keep=frozenset({4}), drop=frozenset({5}))

    assert page.body == "Seoul said no.\n\nSubscribe"
    assert [line.number for line in page.removed_by_cleaning] == [1, 2, 4]
    assert [line.number for line in page.lines if not line.kept] == [1, 2, 5]


def test_a_corrected_title_still_takes_the_headline_line_out_of_the_body():
    raw = "Seoul declnes the sale\nThe government declined the sale."

    page = read_page(raw, title="Seoul declines the sale")

    assert page.title == "Seoul declines the sale"
    assert page.body == "The government declined the sale."


def test_an_empty_page_is_read_as_nothing():
    page = read_page(" \n\n")

    assert (page.title, page.body, page.lines) == ("", "", [])


def test_a_page_without_a_headline_keeps_its_first_paragraph():
    page = read_page("Seoul said no to the sale.\nIt gave no reason.")

    assert page.title == ""
    assert page.body == "Seoul said no to the sale.\n\nIt gave no reason."


def linked_actors(article: SourceArticle) -> set[str]:
    """Every actor named by a fact that only this article reports: who asked, answered, held,
    took part… (a fact several articles report may name actors from the others)."""
    slugs = set()
    for citation in Citation.objects.filter(source=article):
        fact = citation.target
        if fact.citations.exclude(source=article).exists():
            continue
        for field in ("requester", "addressee", "voiced_by", "responder", "holder", "donor",
                      "recipient", "intermediary", "person", "organisation"):  # fmt: skip
            actor = getattr(fact, field, None)
            if isinstance(actor, Actor):
                slugs.add(actor.slug)
        if hasattr(fact, "actors"):
            slugs.update(fact.actors.values_list("slug", flat=True))
    return slugs


@pytest.mark.parametrize("slug", SEED_ARTICLES.values())
def test_mentions_find_every_actor_the_fixtures_link_to_the_article(seeded, slug):
    article = SourceArticle.objects.get(slug=slug)

    found = {mention.record.slug for mention in mentions(article.body).actors}

    assert linked_actors(article) - found == set()


def test_mentions_list_unknown_names_as_candidates(seeded):
    found = mentions("Rustam Umerov met Kim Jong Un and the Wagner Group in Kyiv.")
    assert [m.record.slug for m in found.actors] == ["rustem-umerov", "ukraine"]
    assert [c.name for c in found.candidates] == ["Kim Jong Un", "Wagner Group"]


def test_demonyms_and_possessives_name_their_country(seeded):
    found = mentions("A Ukrainian envoy met South Korean officials.\n\nRussia’s warning came.")

    spellings = {m.record.slug: m.spellings for m in found.actors}
    assert spellings["ukraine"] == ["Ukrainian"]
    assert spellings["south-korea"] == ["South Korean"]
    assert spellings["russia"] == ["Russia"]  # “Russia’s”, without the possessive
    assert [m.paragraphs for m in found.actors] == [[1], [1], [2]]


def test_each_name_says_where_it_occurs(seeded):
    found = mentions("Seoul declined.\n\nKyiv asked again.\n\nUkraine waits.")

    ukraine = next(m for m in found.actors if m.record.slug == "ukraine")
    assert ukraine.paragraphs == [2, 3]
    assert [place.excerpt for place in ukraine.where] == ["…Kyiv asked again.…", "…Ukraine waits.…"]


def test_names_never_span_a_line_break(seeded):
    found = mentions("Talks with Jane Doe\nPublished by Hankook News Agency on Monday.")

    assert [c.name for c in found.candidates] == ["Jane Doe", "Hankook News Agency"]


def test_a_short_name_matches_only_as_written(seeded):
    found = mentions("They told us that the US would not object.")

    assert [m.spellings for m in found.actors if m.record.slug == "united-states"] == [["US"]]


def test_import_article_command_creates_the_article_and_lists_mentions(seeded, capsys):
    call_command(
        "import_article",
        str(SEEDS / "004_4a877bff2c10e4a4.txt"),
        "--publisher=Euromaidan Press",
        "--published-on=2024-11-28",
        "--url=https://euromaidanpress.com/2024/11/28/seoul-declines/",
    )

    out = capsys.readouterr().out
    article = SourceArticle.objects.get(
        url="https://euromaidanpress.com/2024/11/28/seoul-declines/"
    )
    assert article.body == CURATED["ep-2024-11-28-seoul-declines"]["body"]
    assert article.publisher.slug == "euromaidan-press"
    assert "Rustem Umerov [rustem-umerov]: Umierov" in out
    assert "LIG Nex1 [lig-nex1]: LIG Nexsone" in out
    assert "Cheongung (KM-SAM) [cheongung]" in out
    assert "Created the media outlet" not in out


def test_dry_run_previews_the_article_and_saves_nothing(seeded, capsys):
    before = SourceArticle.objects.count()

    call_command(
        "import_article",
        str(SEEDS / "001_2f5d51089557adaf.txt"),
        "--publisher=The Kyiv Independent",
        "--dry-run",
    )

    out = capsys.readouterr().out
    assert SourceArticle.objects.count() == before
    assert "Title:     Zelensky urges South Korea to provide air defense systems to Ukraine" in out
    assert "Author:    The Kyiv Independent news desk" in out
    assert "   1  [a counter] 0 members on board" in out
    assert "  39  [follows “Video”: the text of a promo?]" in out
    assert "Volodymyr Zelensky [volodymyr-zelensky]" in out
    assert "Nothing was saved (--dry-run)" in out


def test_a_new_outlet_is_created_and_said_so(seeded, capsys):
    call_command(
        "import_article",
        str(SEEDS / "002_f934b9b27f04886c.txt"),
        "--publisher=Archyde",
        "--published-on=2024-11-27",
    )

    out = capsys.readouterr().out
    outlet = Actor.objects.get(name="Archyde")
    assert outlet.kind == Actor.Kind.MEDIA_OUTLET
    assert (
        SourceArticle.objects.get(publisher=outlet).title
        == "Ukraine Seeks Weapons Aid in South Korea Visit"
    )
    assert "Created the media outlet “Archyde” [archyde]" in out


def test_an_outlet_named_by_an_alias_is_not_created_again(seeded):
    outlet = Actor.objects.get(slug="kyiv-post")
    outlet.aliases.create(name="KP")
    before = Actor.objects.count()

    call_command(
        "import_article", str(SEEDS / "003_b1049a0f5ec2ed7a.txt"), "--publisher=KP",
        "--published-on=2024-11-26",
    )  # fmt: skip

    assert Actor.objects.count() == before
    assert SourceArticle.objects.filter(publisher=outlet).count() == 2


def test_a_second_import_of_a_url_names_the_article_already_stored(seeded):
    stored = SourceArticle.objects.get(slug="ep-2024-11-28-seoul-declines")
    SourceArticle.objects.filter(pk=stored.pk).update(url="https://example.org/seoul-declines")
    before = SourceArticle.objects.count()

    with pytest.raises(CommandError) as error:
        call_command(
            "import_article", str(SEEDS / "004_4a877bff2c10e4a4.txt"),
            "--published-on=2024-11-28", "--url=https://example.org/seoul-declines",
        )  # fmt: skip

    assert f"already stored: “{stored.title}” (article {stored.pk})" in str(error.value)
    assert f"/admin/requests_app/sourcearticle/{stored.pk}/change/" in str(error.value)
    assert SourceArticle.objects.count() == before


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--publisher=South Korea", "--published-on=2024-11-28"], "is a country, not a media"),
        (["--published-on=November 2024"], "is not a date"),
        (["--published-on=2024-11-28", "--url=not a url"], "Enter a valid URL"),
        ([], "The page shows no date"),
        (["--published-on=2024-11-28", "--keep=three"], "Line numbers are whole numbers"),
    ],
)
def test_import_article_refuses_bad_options_and_imports_nothing(seeded, options, message):
    before = (SourceArticle.objects.count(), Actor.objects.count())
    with pytest.raises(CommandError, match=message):
        call_command("import_article", str(SEEDS / "000_dcf261dec283cbad.txt"), *options)
    assert (SourceArticle.objects.count(), Actor.objects.count()) == before


PAGES = Path(__file__).parent / "data" / "pages"


def body_of(page: str) -> str:
    return "\n\n".join(json.loads((PAGES / f"{page}.json").read_text())["body"])


def test_names_in_korean_are_found_before_their_particles(seeded):
    found = mentions(body_of("yonhap_korean"))

    actors = {m.record.slug: m.spellings for m in found.actors}
    assert actors["kr-ministry-of-national-defense"][:2] == ["국방부는", "국방부"]
    assert "북한의" in actors["north-korea"]
    assert "yonhap" in actors  # (서울=연합뉴스)
    assert [m.record.slug for m in found.items] == ["cheongung"]


def test_names_in_ukrainian_are_found_in_any_case(seeded):
    found = mentions(body_of("ukrinform_ukrainian"))

    actors = {m.record.slug: m.spellings for m in found.actors}
    assert actors["ukraine"] == ["України", "Україна"]
    assert actors["rustem-umerov"] == ["Рустем Умєров"]
    assert "Північної Кореї" in {c.name for c in found.candidates}


@pytest.mark.parametrize(
    ("page", "language", "names"),
    [
        ("yonhap_korean", "ko", "Ministry of National Defense"),
        ("ukrinform_ukrainian", "uk", "Rustem Umerov [rustem-umerov]: Рустем Умєров"),
    ],
)
def test_a_korean_or_ukrainian_page_imports_as_an_english_one(
    seeded, capsys, page, language, names
):
    call_command("import_article", str(PAGES / f"{page}.txt"), "--publisher=Yonhap")

    out = capsys.readouterr().out
    article = SourceArticle.objects.latest("pk")
    want = json.loads((PAGES / f"{page}.json").read_text())
    assert (article.title, article.author, str(article.published_on)) == (
        want["title"],
        want["author"],
        want["published_on"],
    )
    assert article.body == body_of(page)
    assert article.language == language
    assert f"Language:  {language} (from its script: give --language)" in out
    assert names in out


def test_a_language_given_is_kept(seeded):
    call_command(
        "import_article", str(PAGES / "ukrinform_ukrainian.txt"), "--language=ru", verbosity=0
    )

    assert SourceArticle.objects.latest("pk").language == "ru"
