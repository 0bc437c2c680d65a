"""A curator goes from a pasted page to cited facts on the public pages without leaving the
article: import with a preview, correct the title, save; cite a passage in a new response."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

# A real browser: run in CI on PostgreSQL, skippable locally (-m "not slow").
pytestmark = pytest.mark.slow

PAGE = (Path(__file__).parent.parent / "data" / "pages" / "independent_outlet.txt").read_text()
TITLE = "Umerov-led delegation arrives in Seoul seeking weapons, media reports"
PASSAGE = (
    "South Korea has so far opted to provide financial and humanitarian support alongside "
    "non-lethal aid, citing legislative restrictions."
)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def curator_page(page: Page, site) -> Page:
    User.objects.create_superuser("ana", "ana@example.org", "a long password for tests")
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill("a long password for tests")
    page.get_by_role("button", name="Log in").click()
    return page


def choose(page: Page, field: str, term: str, option: str) -> None:
    """Pick `option` in an autocomplete field by typing `term`."""
    page.locator(f".field-{field} .select2-selection").first.click()
    page.locator(".select2-container--open .select2-search__field").fill(term)
    page.locator(".select2-results__option", has_text=option).first.click()


def test_a_pasted_page_becomes_an_article_and_its_passage_a_cited_response(
    curator_page: Page, site, screenshot
):
    page = curator_page
    page.goto(f"{site}/admin/requests_app/sourcearticle/import/")
    page.get_by_label("The page's text").fill(PAGE)
    page.get_by_label("…or a new outlet").fill("The Kyiv Independent")
    page.get_by_label("URL").fill("https://kyivindependent.com/umerov-led-delegation/")
    page.get_by_role("button", name="Preview").click()

    preview = page.locator("fieldset.preview")
    expect(preview).to_contain_text("the article as it would be stored")
    expect(preview).to_contain_text(PASSAGE)
    expect(preview).not_to_contain_text("Become a member")
    removed = page.locator("fieldset.preview-removed")
    expect(removed.get_by_role("row").filter(has_text="31,000 people chose")).to_contain_text(
        "a counter"
    )
    expect(page.get_by_label("Title")).to_have_value(
        "Umerov-led delegation arrives in South Korea seeking weapons, media reports"
    )
    expect(page.get_by_label("Published on")).to_have_value("2024-11-27")
    screenshot("import-preview")

    page.get_by_label("Title").fill(TITLE)
    page.get_by_role("button", name="Save the article").click()

    expect(page.locator(".messagelist")).to_contain_text(f"Imported “{TITLE}”")
    expect(page).to_have_url(re.compile(r"/admin/requests_app/sourcearticle/\d+/change/$"))
    article_id = re.search(r"/sourcearticle/(\d+)/", page.url)[1]

    # Selecting the paragraph copies it into the passage to cite.
    page.locator("#paragraph-4").click(click_count=3)
    expect(page.locator("#cite-quote")).to_have_value(PASSAGE)
    screenshot("article-passage-chosen")
    page.get_by_role("button", name="Aid response").click()

    expect(page.locator("#id_citations-0-quote")).to_have_value(PASSAGE)
    choose(page, "request", "Weapons and ammunition", "Weapons and ammunition, since the invasion")
    choose(page, "responder", "South Korea", "South Korea (Country, KR)")
    page.get_by_label("Decision").select_option(label="Alternative offered")
    # The calendar's "Today" writes the date as every admin form reads it.
    page.locator(".field-responded_on").get_by_role("link", name="Today").click()
    expect(page.locator("#id_responded_on")).to_have_value(re.compile(r"^\d{4}-\d{2}-\d{2}$"))
    page.locator("#id_responded_on").fill("2024-11-27")
    page.get_by_label("Summary").fill("Seoul keeps to humanitarian and non-lethal aid.")
    screenshot("response-from-passage")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page).to_have_url(
        re.compile(rf"/admin/requests_app/sourcearticle/{article_id}/change/#cite$")
    )
    expect(page.locator(".field-facts_citing_it")).to_contain_text(
        "Aid response: Alternative offered: Weapons and ammunition, since the invasion"
    )

    page.goto(f"{site}/sources/{article_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("mark", has_text="opted to provide financial")).to_be_visible()
    screenshot("public-article-cited")

    page.goto(f"{site}/requests/?q=Weapons+and+ammunition")
    page.get_by_role("link", name="Weapons and ammunition, since the invasion").first.click()
    answer = page.locator(".response").filter(has_text="Seoul keeps to humanitarian")
    expect(answer).to_contain_text("opted to provide financial and humanitarian support")
    page.set_viewport_size(PHONE)
    screenshot("public-request-with-response-phone")
