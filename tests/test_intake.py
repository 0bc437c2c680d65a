"""Article intake, tested on the five seed articles as they were scraped."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from requests_app.models import Actor, Citation, SourceArticle
from requests_app.text.intake import clean_text, mentions

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


@pytest.mark.parametrize(("seed", "slug"), SEED_ARTICLES.items())
def test_cleaning_a_seed_page_gives_the_curated_text(seed, slug):
    title, body = clean_text((SEEDS / seed).read_text())
    assert title == CURATED[slug]["title"]
    assert body == CURATED[slug]["body"]


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
    assert found.candidates == ["Kim Jong Un", "Wagner Group"]


def test_import_article_command_creates_the_article_and_lists_mentions(seeded, capsys):
    call_command(
        "import_article",
        str(SEEDS / "004_4a877bff2c10e4a4.txt"),
        "--publisher=Euromaidan Press",
        "--published-on=2024-11-28",
        "--url=https://euromaidanpress.com/2024/11/28/seoul-declines/",
    )

    out = capsys.readouterr().out
    article = SourceArticle.objects.get(url__startswith="https://euromaidanpress.com")
    assert article.body == CURATED["ep-2024-11-28-seoul-declines"]["body"]
    assert "Rustem Umerov [rustem-umerov]: Umierov" in out
    assert "LIG Nex1 [lig-nex1]: LIG Nexsone" in out
    assert "Cheongung (KM-SAM) [cheongung]" in out


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--publisher=Pravda Daily", "--published-on=2024-11-28"], "No single media outlet"),
        (["--published-on=November 2024"], "is not a date"),
        (["--published-on=2024-11-28", "--url=not a url"], "Enter a valid URL"),
    ],
)
def test_import_article_refuses_bad_options_and_imports_nothing(seeded, options, message):
    before = SourceArticle.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("import_article", str(SEEDS / "000_dcf261dec283cbad.txt"), *options)
    assert SourceArticle.objects.count() == before
