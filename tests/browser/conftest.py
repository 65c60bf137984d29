"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Fixtures for every browser test: `browser` (one Chromium for the session), `phone` (a page
in a fresh 360-px-wide phone context, Indonesian locale, Jakarta time) and `desktop` (the same
on an organizer's 1280-px screen). Without Chromium the
tests are skipped, unless RAKOR_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.

Every page runs under Rakor's enforced Content-Security-Policy, and every context the browser
opens reports each violation of it: a browser test fails on any (`_no_csp_violation`).
"""

import os
from pathlib import Path

import pytest

from tests.browser.support import WatchedBrowser, desktop_context, phone_context

# Playwright's sync API runs an event loop in this thread; Django's ORM must still be usable.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _missing(reason: str):
    if os.environ.get("RAKOR_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (RAKOR_REQUIRE_BROWSER=1 requires the browser tests to run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright():
    if not CHROMIUM.exists():
        _missing(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield WatchedBrowser(browser)
    browser.close()


@pytest.fixture(autouse=True)
def _no_csp_violation():
    """Each browser test fails if any page it opened, in any browser it launched (through
    WatchedBrowser), broke the Content-Security-Policy (an inline script, handler or style, a
    resource from elsewhere): checked after its contexts are closed, so every report is in."""
    WatchedBrowser.violations.clear()
    yield
    violations = list(WatchedBrowser.violations)
    WatchedBrowser.violations.clear()
    assert not violations, "Content-Security-Policy violations:\n  " + "\n  ".join(violations)


@pytest.fixture
def phone(playwright, browser, live_server):
    """A page on a 360-px-wide Android phone set to Indonesian, opened on the live server."""
    context = phone_context(playwright, browser, live_server)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop(browser, live_server):
    """A page on a 1280-px-wide desktop screen set to Indonesian, opened on the live server."""
    context = desktop_context(browser, live_server)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
