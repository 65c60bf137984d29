"""An organizer changes a meeting's time on a phone, in Indonesian, and the invitees are told."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from events import services
from tests.browser.support import PHONE_WIDTH, page_width, sent_mail, sign_in
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.support.found import body

pytestmark = pytest.mark.browser


def test_an_organizer_moves_a_session_in_indonesian_on_a_phone_and_invitees_get_the_update(
    phone, organizer, live_server
):
    first_day = timezone.localdate() + timedelta(days=30)
    meeting = MeetingFactory.create(sessions=2, sessions__first_day=first_day, capacity=None)
    meeting.organizers.add(organizer)
    invitation = InvitationFactory.create(meeting=meeting)
    services.send_invitations(meeting=meeting, invitations=[invitation])
    days_before = [session.starts_at.date() for session in meeting.sessions.all()]
    sign_in(phone.context, live_server, organizer)

    phone.goto(reverse("events:meeting_edit", args=[meeting.pk]))
    expect(phone.locator("html")).to_have_attribute("lang", "id")
    first_date = phone.locator("input[name='sessions-0-date']")
    expect(first_date).to_have_value(first_day.isoformat())
    expect(phone.locator("input[name='sessions-1-date']")).to_have_value(
        (first_day + timedelta(days=1)).isoformat()
    )
    expect(phone.locator("input[name='sessions-0-start_time']")).to_have_value("08:00")
    assert page_width(phone) <= PHONE_WIDTH
    phone.screenshot(path="/tmp/meeting-edit-phone.png", full_page=True)

    phone.locator("input[name='sessions-0-start_time']").fill("09:30")
    phone.locator("form[data-meeting-form] button[type=submit]").click()

    expect(phone).to_have_url(reverse("events:meeting_detail", args=[meeting.pk]))
    expect(phone.locator(".alert-success")).to_be_visible()
    update = sent_mail(invitation.member.email, where=lambda message: "09.30" in text(message))
    assert "08.00–16.00 → 09.30–16.00 WIB" in text(update)
    assert "SEQUENCE:1" in calendar(update)
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert [session.starts_at.date() for session in meeting.sessions.all()] == days_before


def text(message) -> str:
    return body(message)


def calendar(message) -> str:
    return next(
        part.get_content() for part in message.walk() if part.get_content_type() == "text/calendar"
    )


def test_the_time_zone_is_found_by_typing_its_city_on_a_phone(phone, organizer, live_server):
    sign_in(phone.context, live_server, organizer)

    phone.goto(reverse("events:meeting_create"))
    zone = phone.locator("select[name='meeting-time_zone']")
    expect(zone).to_have_value("Asia/Jakarta")
    picker = phone.locator("select[name='meeting-time_zone'] + .ts-wrapper")
    picker.locator(".ts-control").click()
    # Typed into the picker's own box (on a busy machine the focus may not be there yet).
    picker.locator(".ts-control input").press_sequentially("Makassar")
    options = phone.locator(".ts-dropdown .option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("WITA")
    options.first.click()

    expect(zone).to_have_value("Asia/Makassar")
    assert page_width(phone) <= PHONE_WIDTH
