"""The Content-Security-Policy: enforced on every page, and nothing in the templates needs
'unsafe-inline' (the browser tests fail on any violation a page reports)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.events.factories import MeetingFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Not web pages: emails (their clients want inline styles) and what WeasyPrint turns into PDF.
NOT_PAGES = ("*/email/*", "*/pdf/*", "attendance/daftar_hadir.html")
INLINE = {
    "an inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "an on…= handler": re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE),
    "a <style> element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "a style attribute": re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def _pages():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES)
        if not any(name.match(pattern) for pattern in NOT_PAGES):
            yield str(name)


@pytest.mark.parametrize("template", list(_pages()))
def test_no_page_template_needs_unsafe_inline(template):
    source = (TEMPLATES / template).read_text(encoding="utf-8")
    found = [what for what, pattern in INLINE.items() if pattern.search(source)]
    assert not found, f"{template} holds {', '.join(found)}: move it to static/js or rakor.css"


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        directive.split()[0]: directive.split()[1:]
        for directive in header.split(";")
        if directive.strip()
    }


@pytest.mark.django_db
def test_every_kind_of_page_is_served_under_a_policy_without_unsafe_inline(
    client, organizer_client
):
    meeting = MeetingFactory.create()
    responses = [
        client.get(reverse("home")),
        client.get(reverse("account_login")),
        client.get("/a/not-a-valid-link/"),
        organizer_client.get(reverse("events:meeting_list")),
        organizer_client.get(reverse("members:import")),
        organizer_client.get(reverse("events:meeting_detail", args=[meeting.pk])),
    ]

    for response in responses:
        policy = _policy(response)
        assert policy["script-src"] == ["'self'", "'wasm-unsafe-eval'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["default-src"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_htmx_is_told_not_to_write_its_own_style_element(client):
    page = client.get(reverse("home")).content.decode()

    assert '"includeIndicatorStyles": false' in page
