"""On a phone: an accepted invitee sees their ticket on the answer page, then scans the venue
screen's code, signs with a finger and checks in."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from attendance import services
from attendance.models import CheckIn, Ticket
from events import services as events_services
from tests.attendance.factories import AcceptedInvitationFactory
from tests.browser.support import PHONE_WIDTH, page_width
from tests.events.factories import MeetingFactory, SessionFactory
from tests.support.found import present

pytestmark = pytest.mark.browser


def draw(page, canvas_selector: str) -> None:
    box = page.locator(canvas_selector).bounding_box()
    x, y = box["x"] + 20, box["y"] + box["height"] * 0.6
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + step * 20, y + (25 if step % 2 else -25), steps=3)
    page.mouse.up()


def test_an_invitee_checks_in_and_signs_on_a_phone(phone):
    meeting = MeetingFactory.create(sessions=0)
    now = timezone.now()
    session = SessionFactory.create(
        meeting=meeting, starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(hours=4)
    )
    invitation = AcceptedInvitationFactory.create(meeting=meeting)
    secret = events_services.issue_answer_link(invitation=invitation)

    phone.goto(f"/a/{secret}/")
    expect(phone.locator("#ticket svg")).to_be_visible()
    qr = phone.locator("#ticket svg").bounding_box()
    assert qr["width"] >= 250  # large enough to scan from a phone held up at the desk
    assert page_width(phone) <= PHONE_WIDTH
    ticket = Ticket.objects.get(invitation=invitation)
    drawn = phone.locator("#ticket svg path[stroke]").get_attribute("d")
    assert f'd="{drawn}"' in services.qr_svg(ticket.secret)  # the code of the ticket secret
    phone.screenshot(path="/tmp/ticket-phone.png", full_page=True)

    phone.goto(f"/hadir/{services.venue_code(session=session)}/")
    expect(phone.locator("#confirm-title")).to_have_text(invitation.member.full_name)
    draw(phone, "#confirm-title ~ form canvas")
    assert page_width(phone) <= PHONE_WIDTH
    phone.locator("#confirm-title ~ form button[type=submit]").click()

    expect(phone.locator("#result")).to_be_visible()
    phone.screenshot(path="/tmp/self-checkin-phone.png", full_page=True)
    checkin = CheckIn.objects.get(invitation=invitation, session=session)
    assert checkin.method == CheckIn.Method.SELF
    assert bytes(present(checkin.signature)).startswith(b"\x89PNG")
