"""Helpers for browser tests."""

import email
import email.policy
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from django.core import mail
from django.test import Client

from tests.support.wait import wait_until

PHONE_WIDTH = 360  # CSS pixels: the narrowest phone Rakor is made for

# Installed in every page before its own scripts: each Content-Security-Policy violation is
# handed to the test (a securitypolicyviolation event bubbles up to the document).
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__rakorCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} on ${event.documentURI}` +
    ` (${event.sourceFile || "the page"}:${event.lineNumber}) ${event.sample || ""}`
  );
}, true);
"""


class WatchedBrowser:
    """A Chromium whose every context reports Content-Security-Policy violations into
    `WatchedBrowser.violations` (the page's securitypolicyviolation events, and Chromium's
    console errors about the policy, which also cover what happens before a page's scripts
    run). One list for every browser a test launches; conftest.py empties it for each test."""

    violations: ClassVar[list[str]] = []

    def __init__(self, browser):
        self._browser = browser

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.expose_binding("__rakorCspViolation", lambda _source, text: self._report(text))
        context.add_init_script(_REPORT_VIOLATIONS)
        context.on("console", self._console)
        return context

    def _report(self, text: str) -> None:
        self.violations.append(text)

    def _console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.violations.append(f"console: {message.text}")


def phone_context(playwright, browser, live_server, **options):
    """A fresh context of a 360-px-wide Android phone set to Indonesian, Jakarta time."""
    device = dict(playwright.devices["Pixel 5"])
    device.pop("default_browser_type", None)
    context = browser.new_context(
        **{
            **device,
            "viewport": {"width": PHONE_WIDTH, "height": 780},
            "screen": {"width": PHONE_WIDTH, "height": 780},
        },
        locale="id-ID",
        timezone_id="Asia/Jakarta",
        base_url=live_server.url,
        **options,
    )
    context.set_default_timeout(15_000)  # a loaded machine: a phone's page may take a while
    return context


def desktop_context(browser, live_server, **options):
    """A fresh context of a 1280-px-wide desktop browser set to Indonesian, Jakarta time."""
    return browser.new_context(
        viewport={"width": 1280, "height": 800},
        locale="id-ID",
        timezone_id="Asia/Jakarta",
        base_url=live_server.url,
        **options,
    )


def sign_in(context, live_server, user) -> None:
    """The context is signed in as `user` (a session cookie, no sign-in page)."""
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def page_width(page) -> int:
    """The document's full width in CSS pixels: wider than the viewport means sideways scroll."""
    return page.evaluate("() => document.documentElement.scrollWidth")


_WORDS_SPLIT = """(element) => {
  const split = [];
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const word of node.data.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      const lines = new Set(Array.from(range.getClientRects(), (box) => Math.round(box.top)));
      if (lines.size > 1) split.push(word[0]);
    }
  }
  return split;
}"""


def words_split_across_lines(locator) -> list[str]:
    """The words of the element's text that the browser broke across lines (a name wrapped
    mid-word, "Muha-mmad"); wrapping between words splits none."""
    return locator.evaluate(_WORDS_SPLIT)


def fits_the_screen(locator) -> bool:
    """Whether the element lies within the page's width: a table that fits is read without
    scrolling it sideways in its own box."""
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH


def sent_mail(
    to: str, *, timeout: float = 10.0, where: Callable[[EmailMessage], bool] | None = None
) -> EmailMessage:
    """The latest message sent to `to` (Django's locmem backend) for which `where` holds,
    parsed from its raw bytes.

    The outbox sends after commit through an eager Celery task, so under live_server the
    message lands in django.core.mail.outbox; wait a little in case it is not there yet.
    """

    def latest() -> EmailMessage | None:
        for message in reversed(mail.outbox):
            if to in message.recipients():
                parsed = email.message_from_bytes(
                    message.message().as_bytes(), policy=email.policy.default
                )
                if where is None or where(parsed):
                    return parsed
        return None

    return wait_until(latest, timeout=timeout, poll=0.1, what=f"a message to {to}")


AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# What a person using a screen reader or a low-contrast screen cannot get past.
BLOCKING_IMPACTS = ("critical", "serious")
_RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((rule) => ({
    id: rule.id, impact: rule.impact, help: rule.help,
    nodes: rule.nodes.slice(0, 4).map((node) => node.target.join(" ") + ": " + node.failureSummary),
  }));
}"""


def accessibility_problems(page) -> list[str]:
    """axe-core's critical and serious violations on the page as it is now. axe comes from
    npm (node_modules/axe-core, never a CDN) and runs through the debugging protocol, which the
    page's Content-Security-Policy does not govern."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return [
        f"{page.url} {rule['impact']} {rule['id']} ({rule['help']}): " + " | ".join(rule["nodes"])
        for rule in page.evaluate(_RUN_AXE)
        if rule["impact"] in BLOCKING_IMPACTS
    ]
