"""axe-core (npm, pinned in package.json), injected by Playwright, finds no violation on any
page type: lists, details, filters, views of the past, error pages and the API docs."""

import os

import pytest
from django.conf import settings

AXE = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
PAGES = {
    "home": "/",
    "requests": "/requests/",
    "requests-filtered": "/requests/?status=declined&category=air_defence",
    "requests-as-of": "/requests/?as_of=2024-07-15",
    "requests-bad-filter": "/requests/?made_after=not-a-date",
    "request": "/requests/{cheongung}/",
    "request-as-of": "/requests/{cheongung}/?as_of=2024-11-27",
    "request-not-yet": "/requests/{cheongung}/?as_of=2024-01-01",
    "actors": "/actors/",
    "actor": "/actors/south-korea/",
    "items": "/items/",
    "stances": "/stances/",
    "aid": "/aid/",
    "events": "/events/",
    "actions": "/actions/",
    "sources": "/sources/",
    # An article in Korean, and a stance quoting it with its translation: each part's lang.
    "source-original": "/sources/{korean}/",
    "stance-translated": "/stances/kr-not-ruling-out-weapons-2024/",
    "conflicts": "/conflicts/",
    "conflicts-kind": "/conflicts/?kind=response",
    "not-found": "/no-such-page/",
    "api-docs": "/api/v1/docs/",
    "data-releases-none": "/data/",
}


@pytest.fixture
def browser_context_args(browser_context_args):
    # The site's CSP allows no inline script: let the test inject axe.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def axe_source() -> str:
    if not AXE.exists():
        reason = f"The accessibility test needs {AXE} (npm ci)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI must run it).", pytrace=False)
        pytest.skip(reason)
    return AXE.read_text()


@pytest.mark.slow
def test_no_page_has_an_accessibility_violation(page, site, axe_source):
    from requests_app.models import AidRequest, SourceArticle

    cheongung = AidRequest.objects.get(slug="ua-kr-2024-11-cheongung").pk
    korean = SourceArticle.objects.get(language="ko").pk
    found = {}
    for name, path in PAGES.items():
        page.goto(site + path.format(cheongung=cheongung, korean=korean))
        if name == "api-docs":
            page.wait_for_selector(".opblock")
        page.evaluate(axe_source)
        violations = page.evaluate(
            "async () => (await axe.run(document)).violations"
            ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
        )
        if violations:
            found[name] = violations
    assert found == {}
