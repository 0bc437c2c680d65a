"""A reader answers 'what did Ukraine ask South Korea for, what happened, and why' by clicking."""

import re

import pytest
from playwright.sync_api import Page, expect

# A real browser: run in CI on PostgreSQL, skippable locally (-m "not slow").
pytestmark = pytest.mark.slow

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
    expect(row).to_contain_text("Long-standing ban on weapons to conflict zones")
    expect(page.get_by_role("row").filter(has_text="Okhmatdyt")).to_have_count(0)
    screenshot("requests-declined")

    row.get_by_role("link", name="Cheongung air defence missile systems").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cheongung air defence missile systems"
    )
    # Declined to comment first, then the refusal.
    expect(page.locator(".response").last).to_contain_text("not available for new sales until 2030")
    screenshot("request-cheongung")


def test_a_citation_leads_to_its_quote_highlighted_in_the_article(page: Page, site, screenshot):
    page.goto(f"{site}/requests/?q=Cheongung")
    page.get_by_role("link", name="Cheongung air defence missile systems").click()

    response = page.locator(".response").last
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
    expect(rows).to_have_count(4)
    screenshot("requests-umierov")


def test_stepping_the_list_back_through_2024(page: Page, site, screenshot):
    page.goto(f"{site}/requests/")
    # An expert's filter: one tap away, under the others.
    page.get_by_text("More filters").click()
    page.get_by_label("As reported on").fill("2024-11-30")
    page.get_by_role("button", name="Apply").click()

    expect(page.get_by_role("note")).to_contain_text("As reported on 30 November 2024")
    cheongung = page.get_by_role("row").filter(has_text="Cheongung air defence missile systems")
    expect(cheongung).to_contain_text("Declined")
    screenshot("requests-as-of-2024-11-30")

    # Back past the refusal: Seoul is still considering, and Cheongung is not yet asked for.
    page.get_by_role("link", name=re.compile("Earlier report, 28 November 2024")).click()
    expect(cheongung).to_contain_text("Declined")
    page.get_by_role("link", name=re.compile("Earlier report, 27 November 2024")).click()
    expect(page.get_by_role("note")).to_contain_text("As reported on 27 November 2024")
    expect(cheongung).to_contain_text("No answer reported")
    page.get_by_role("link", name=re.compile("Earlier report, 26 November 2024")).click()
    # The Dong-A Ilbo's report of Yoon's remark, in Korean.
    page.get_by_role("link", name=re.compile("Earlier report, 7 November 2024")).click()
    page.get_by_role("link", name=re.compile("Earlier report, 12 July 2024")).click()
    expect(cheongung).to_have_count(0)
    expect(page.locator(".stances-then")).to_contain_text("Reconsidering weapons for Ukraine")
    screenshot("requests-as-of-2024-07-12")

    page.get_by_role("link", name="Air defence systems after the Okhmatdyt strike").click()
    expect(page.get_by_role("note")).to_contain_text("As reported on 12 July 2024")
    expect(page.get_by_text("No answer reported by then")).to_be_visible()
    page.get_by_role("link", name="Back to today").click()
    expect(page.get_by_role("note")).to_have_count(0)


def test_a_reader_follows_a_request_lists_conflicts_and_cites_a_source(page: Page, site):
    page.goto(f"{site}/requests/?q=Cheongung")
    page.get_by_role("link", name="Cheongung air defence missile systems").click()

    feed = page.get_by_role("link", name="Follow: Atom feed")
    expect(feed).to_have_attribute("href", re.compile(r"^/requests/\d+/feed/$"))
    atom = page.request.get(site + feed.get_attribute("href"))
    assert atom.headers["content-type"].startswith("application/atom+xml")
    assert "Declined: Cheongung air defence missile systems" in atom.text()

    page.get_by_role("link", name="All conflicting reports").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Conflicting reports")
    expect(page.locator(f"#{page.url.rsplit('#', 1)[1]}")).to_be_in_viewport()

    cite = page.get_by_role("link", name="Cite this article (CSL-JSON)").first
    csl = page.request.get(site + cite.get_attribute("href")).json()
    assert csl[0]["type"] == "article-newspaper"
    assert csl[0]["issued"]["date-parts"][0][0] == 2024


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/requests/",
        "/requests/?status=declined",
        "/requests/?as_of=2024-07-15",
        "/conflicts/",
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
