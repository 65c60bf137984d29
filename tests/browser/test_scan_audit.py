"""The scan audit on an organizer's 360-px phone: readable, filterable, accessible."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext
from playwright.sync_api import expect

from attendance import services
from attendance.models import ScanAttempt
from tests.attendance.factories import TicketFactory
from tests.browser.support import (
    PHONE_WIDTH,
    accessibility_problems,
    fits_the_screen,
    page_width,
    sign_in,
    words_split_across_lines,
)
from tests.support.found import present
from tests.support.meetings import meeting_going_on_now

pytestmark = pytest.mark.browser


def test_an_organizer_reads_and_filters_the_scan_audit_on_a_phone(phone, live_server, organizer):
    meeting = meeting_going_on_now()
    meeting.organizers.add(organizer)
    ticket = TicketFactory.create(
        invitation__meeting=meeting, invitation__member__full_name="Siti Rahmawati"
    )
    _link, secret = services.create_operator_link(
        meeting=meeting, label="Meja pendaftaran utama", created_by=organizer
    )
    desk = present(services.scan_desk_for_link(secret=secret, session_id=meeting.sessions.get().pk))
    for content in (ticket.secret, ticket.secret, "kode-asing-yang-panjang-sekali"):
        services.scan_ticket(desk=desk, content=content)
    with translation.override("id"):
        already = str(ScanAttempt.Result.ALREADY.label)
        heading = gettext("Scan audit")
    sign_in(phone.context, live_server, organizer)

    phone.goto(reverse("attendance:dashboard", args=[meeting.pk]))
    phone.get_by_role("link", name=heading).click()

    rows = phone.locator("table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("kode-asing-y")
    expect(rows.last).to_contain_text("Siti Rahmawati")
    assert page_width(phone) <= PHONE_WIDTH
    assert accessibility_problems(phone) == []
    phone.screenshot(path="/tmp/scan-audit-phone.png", full_page=True)

    phone.locator("#id_result").select_option(ScanAttempt.Result.ALREADY.value)
    phone.locator("form[role=search] button[type=submit]").click()

    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(already)
    expect(rows.first).to_contain_text("Meja pendaftaran utama")


def test_each_scan_reads_down_a_phones_screen_with_every_column_named(
    phone, live_server, organizer
):
    """No column is hidden off the side of the table: a scan's person, code and detail show
    under its time, each after its column's name."""
    name = "Dr. Ni Luh Putu Ayu Kusumawardhani, S.H., M.Kn."
    meeting = meeting_going_on_now()
    meeting.organizers.add(organizer)
    ticket = TicketFactory.create(invitation__meeting=meeting, invitation__member__full_name=name)
    _link, secret = services.create_operator_link(
        meeting=meeting, label="Meja pendaftaran utama lantai dua", created_by=organizer
    )
    desk = present(services.scan_desk_for_link(secret=secret, session_id=meeting.sessions.get().pk))
    services.scan_ticket(desk=desk, content=ticket.secret)
    with translation.override("id"):
        person = str(pgettext("scan audit", "Person"))
    sign_in(phone.context, live_server, organizer)

    phone.goto(reverse("attendance:scan_audit", args=[meeting.pk]))

    cell = phone.locator("table tbody td", has_text="Kusumawardhani")
    expect(cell).to_be_visible()
    assert page_width(phone) <= PHONE_WIDTH
    assert fits_the_screen(phone.locator("table"))
    assert fits_the_screen(cell)
    assert cell.get_attribute("data-label") == person
    assert not set(words_split_across_lines(cell)) & set(name.split())
    phone.screenshot(path="/tmp/scan-audit-stacked-phone.png", full_page=True)
