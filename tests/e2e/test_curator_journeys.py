"""A curator records what the next articles report (a denial, an action nobody asked for)
through the admin, and a reader finds it on the public pages."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

# A real browser: run in CI on PostgreSQL, skippable locally (-m "not slow").
pytestmark = pytest.mark.slow

ARTICLE = "Ukraine Seeks Weapons Aid in South Korea Visit"
QUOTE = "has arrived in South Korea to formally request military aid"


@pytest.fixture
def curator_page(page: Page, site) -> Page:
    User.objects.create_superuser("editor", "editor@example.org", "a long test password")
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a long test password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    return page


def choose(page: Page, field_id: str, search: str, option: str) -> None:
    """Pick `option` in the admin's autocomplete widget of `field_id`."""
    page.locator(f"[aria-labelledby='select2-{field_id}-container']").click()
    page.locator(".select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).first.click()


def test_a_curator_records_a_relayed_denial_and_readers_see_the_request_disputed(
    curator_page: Page, site, screenshot
):
    page = curator_page
    page.goto(f"{site}/admin/requests_app/citation/add/")
    choose(page, "id_source", "Seeks Weapons", ARTICLE)
    page.get_by_role("textbox", name="Quote:", exact=True).fill(QUOTE)
    page.get_by_label("Relation").select_option("disputes")
    page.get_by_label("Attribution").select_option("relayed")
    choose(page, "id_relayed_from", "Chosun", "Chosun")
    choose(page, "id_request", "Cheongung", "Cheongung air defence missile systems")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto(f"{site}/requests/?q=Cheongung")
    row = page.get_by_role("row").filter(has_text="Cheongung air defence missile systems")
    expect(row).to_contain_text("Disputed")
    row.get_by_role("link", name="Cheongung air defence missile systems").click()
    disputing = page.locator(".citation--disputes")
    expect(disputing).to_contain_text("Disputes this")
    expect(disputing).to_contain_text(re.compile("citing .*Chosun"))
    screenshot("request-disputed")


def test_a_curator_records_an_unsolicited_action_and_both_actors_show_it(
    curator_page: Page, site, screenshot
):
    page = curator_page
    page.goto(f"{site}/admin/requests_app/action/add/")
    choose(page, "id_actor", "South Korea", "South Korea")
    choose(page, "id_counterpart", "Ukraine", "Ukraine")
    page.get_by_label("Kind").select_option("delegation")
    page.locator("#id_occurred_on").fill("2024-11-25")
    page.get_by_label("Occurred on precision").select_option("week")
    page.get_by_label("Summary").fill("Seoul will send a delegation to Kyiv to share intelligence.")
    choose(page, "id_citations-0-source", "Seeks Weapons", ARTICLE)
    page.locator("#id_citations-0-quote").fill(QUOTE)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto(f"{site}/actions/")
    action = page.get_by_role("link", name=re.compile("South Korea → Ukraine: delegation"))
    expect(action).to_be_visible()
    action.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("delegation")
    expect(page.locator(".facts")).to_contain_text("The week of 25 November 2024")
    screenshot("action")
    for actor in ["south-korea", "ukraine"]:
        page.goto(f"{site}/actors/{actor}/")
        expect(page.locator("#actions").locator("..")).to_contain_text("Delegation or visit")
