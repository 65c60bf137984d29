"""An organizer on a phone schedules and moves sessions; what the invitees' calendars read of it.

A time the clocks skip is refused in the form, with why; a session moved on its own reaches the
invitees' calendars as that session alone, newer than what they hold, read alike by four
independent parsers."""

import email
import email.policy
from datetime import date

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from events import services
from events.models import Meeting
from tests.browser.support import PHONE_WIDTH, page_width
from tests.events.factories import InvitationFactory, MeetingFactory, local
from tests.events.parsers import PARSERS, read_many
from tests.members.factories import AgencyFactory
from tests.support.found import payload

pytestmark = pytest.mark.browser


def signed_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def calendar_files(recipient: str) -> list[bytes]:
    files = []
    for sent in mail.outbox:
        if recipient in sent.recipients():
            message = email.message_from_bytes(sent.message().as_bytes(), policy=email.policy.SMTP)
            [attachment] = [p for p in message.walk() if p.get_filename() == "invite.ics"]
            files.append(payload(attachment))
    return files


def test_a_session_at_a_time_the_clocks_skip_is_refused_with_why_on_a_phone(
    phone, live_server, organizer
):
    embassy = AgencyFactory.create(name="KBRI Berlin")
    signed_in(phone, live_server, organizer)
    phone.goto(reverse("events:meeting_create"))
    phone.locator("input[name=meeting-title]").fill("Koordinasi KBRI Berlin")
    phone.locator("select[name=meeting-host_agency]").select_option(str(embassy.pk))
    phone.locator("input[name=meeting-venue]").fill("KBRI Berlin")
    phone.locator("select[name=meeting-time_zone]").select_option("Europe/Berlin")
    phone.locator("input[name=sessions-0-title]").fill("Hari 1")
    phone.locator("input[name=sessions-0-date]").fill("2026-03-29")
    phone.locator("input[name=sessions-0-start_time]").fill("02:30")
    phone.locator("input[name=sessions-0-end_time]").fill("05:00")
    phone.locator("form button[type=submit]").last.click()

    expect(phone.locator("body")).to_contain_text(
        "Pukul 02.30 tidak ada pada 29 Maret 2026 di zona Europe/Berlin: jam dimajukan"
    )
    assert page_width(phone) <= PHONE_WIDTH
    assert not Meeting.objects.exists()

    phone.locator("input[name=sessions-0-start_time]").fill("03:30")
    phone.locator("form button[type=submit]").last.click()

    expect(phone.locator("h1")).to_have_text("Koordinasi KBRI Berlin")
    session = Meeting.objects.get().sessions.get()
    assert session.starts_at.isoformat() == "2026-03-29T01:30:00+00:00"


@pytest.mark.usefixtures("playwright")
def test_moving_one_session_on_a_phone_updates_that_session_alone_in_every_calendar(
    browser, live_server, organizer
):
    meeting = MeetingFactory.create(sessions=2, capacity=None)
    meeting.organizers.add(organizer)
    invitation = InvitationFactory.create(meeting=meeting)
    services.send_invitations(meeting=meeting, invitations=[invitation])
    first, second = meeting.sessions.order_by("starts_at")
    context = browser.new_context(
        viewport={"width": PHONE_WIDTH, "height": 780},
        locale="en-US",  # the form's dates in English (their Indonesian rendering is apart)
        base_url=live_server.url,
    )
    page = context.new_page()
    signed_in(page, live_server, organizer)

    page.goto(reverse("events:meeting_edit", args=[meeting.pk]))
    page.locator("input[name=sessions-1-start_time]").fill("10:00")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("h1")).to_have_text(meeting.title)
    context.close()

    files = calendar_files(invitation.member.email)
    assert len(files) == 3, "two sessions invited, then the moved one alone"
    second.refresh_from_db()
    reads = read_many(files)
    for parser in PARSERS:
        [invited_first], [invited_second], [moved] = (r[parser] for r in reads)
        assert (invited_first.uid, invited_second.uid) == (first.uid, second.uid), parser
        assert moved.uid == second.uid, parser
        assert moved.sequence > invited_second.sequence, parser
        assert moved.start == second.starts_at == local(date(2021, 11, 26), 10), parser
