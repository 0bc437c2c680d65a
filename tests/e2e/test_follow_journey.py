"""A reader follows a request by email in the browser, and confirms from the mail."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

# A real browser: run in CI on PostgreSQL, skippable locally (-m "not slow").
pytestmark = pytest.mark.slow


def test_a_reader_follows_the_cheongung_request_by_email_and_confirms(page: Page, site, screenshot):
    page.goto(f"{site}/requests/?q=Cheongung")
    page.get_by_role("link", name="Cheongung air defence missile systems").click()
    expect(page.get_by_role("heading", name="Follow by email")).to_be_visible()
    screenshot("request-with-follow-form")
    page.get_by_label("Your email address").fill("reader@example.org")
    page.get_by_role("button", name="Follow", exact=True).click()

    expect(page.get_by_text("We mailed a link to reader@example.org")).to_be_visible()
    screenshot("follow-by-email")
    [confirmation] = mail.outbox
    path = re.search(r"https?://[^/\s]+(/alerts/confirm/\S+/)", confirmation.body).group(1)
    page.goto(site + path)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_text("reader@example.org now follows")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Cheongung")).to_have_count(1)
