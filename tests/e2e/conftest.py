"""Browser tests: Playwright driving Debian's Chromium against Django's live server."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import seed_insert

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = settings.BASE_DIR / "test-artifacts" / "screenshots"

# Playwright's sync API runs an event loop in the test thread from the session's start, where
# Django's ORM would then refuse to run.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        reason = f"Browser tests need {CHROMIUM}: apt-get install -y chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI must run them).", pytrace=False)
        pytest.skip(reason)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def site(live_server, transactional_db, seed_rows):
    """The live server's address, with the seed data (as load_seed makes it)."""
    seed_insert(seed_rows)
    return live_server.url


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot of the current page as a test artifact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take
