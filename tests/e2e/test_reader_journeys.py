"""A reader answers 'what did Ukraine ask South Korea for, what happened, and why' by clicking."""

import re

import pytest
from playwright.sync_api import Page, expect

PHONE = {"width": 390, "height": 844}


def test_dashboard_shows_counts_and_the_timeline(page: Page, site, screenshot):
    page.goto(site)

    expect(page.get_by_role("heading", level=1)).to_have_text("Aid requests between governments")
    expect(page.locator("svg.timeline-chart")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"\d+ Declined"))).to_be_visible()
    screenshot("dashboard")


def test_declined_requests_show_the_stance_behind_the_refusal(page: Page, site, screenshot):
    page.goto(f"{site}/requests/")
    page.get_by_label("Status").select_option(label="Declined")
    page.get_by_role("button", name="Apply").click()

    row = page.get_by_role("row").filter(has_text="Cheongung air defence missile systems")
    expect(row).to_contain_text("Declined")
    expect(row).to_contain_text("Weapon sales to Ukraine declined under trade law")
    expect(page.get_by_role("row").filter(has_text="Okhmatdyt")).to_have_count(0)
    screenshot("requests-declined")

    row.get_by_role("link", name="Cheongung air defence missile systems").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cheongung air defence missile systems"
    )
    expect(page.locator(".response")).to_contain_text("not available for new sales until 2030")
    screenshot("request-cheongung")


def test_a_citation_leads_to_its_quote_highlighted_in_the_article(page: Page, site, screenshot):
    page.goto(f"{site}/requests/?q=Cheongung")
    page.get_by_role("link", name="Cheongung air defence missile systems").click()

    response = page.locator(".response").first
    response.get_by_role(
        "link", name="Seoul declines Ukrainian request for defense system sales"
    ).first.click()

    expect(page).to_have_url(re.compile(r"/sources/\d+/#citation-\d+$"))
    anchor = page.url.rsplit("#", 1)[1]
    paragraph = page.locator(f"p:has(#{anchor})")
    expect(
        paragraph.locator("mark", has_text="ultimately declined the weapon sales")
    ).to_be_visible()
    expect(paragraph).to_be_in_viewport()
    screenshot("article-highlighted")


def test_searching_an_alias_finds_that_actors_requests(page: Page, site, screenshot):
    page.goto(f"{site}/requests/")
    page.get_by_label("Search").fill("Umierov")
    page.get_by_label("Search").press("Enter")

    expect(page).to_have_url(re.compile(r"q=Umierov"))
    rows = page.get_by_role("row").filter(has_text="by Rustem Umerov")
    expect(rows).to_have_count(5)
    screenshot("requests-umierov")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/requests/",
        "/requests/?status=declined",
        "/actors/rustem-umerov/",
        "/stances/",
        "/sources/",
    ],
)
def test_pages_fit_a_phone_without_sideways_scrolling(page: Page, site, screenshot, path):
    page.set_viewport_size(PHONE)
    page.goto(f"{site}{path}")

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "dashboard"
    screenshot(f"phone-{name}")
