import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from events import services
from events.models import Invitation
from tests.browser.support import PHONE_WIDTH, page_width, sent_mail
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.support.found import body, found, present

pytestmark = pytest.mark.browser

ANSWER_PATH = re.compile(r"https?://[^/\s]+(/a/[A-Za-z0-9_-]+/)")
REPRESENTATIVE = {
    "name": "Dewi Anggraini",
    "email": "dewi.anggraini@kemenag.go.id",
    "position": "Pranata Humas Ahli Pertama",
}


def test_an_invitee_sends_a_representative_from_the_link_in_the_email_on_a_phone(phone):
    meeting = MeetingFactory.create(sessions=2, capacity=None)
    invitation = InvitationFactory.create(meeting=meeting)
    services.send_invitations(meeting=meeting, invitations=[invitation])
    invitation_mail = sent_mail(invitation.member.email)
    path = found(ANSWER_PATH, body(invitation_mail)).group(1)

    phone.goto(path)
    expect(phone.locator("h1")).to_have_text(meeting.title)
    assert page_width(phone) <= PHONE_WIDTH
    phone.locator("form details > summary").click()
    phone.locator("input[name=representative_name]").fill(REPRESENTATIVE["name"])
    phone.locator("input[name=representative_email]").fill(REPRESENTATIVE["email"])
    phone.locator("input[name=representative_position]").fill(REPRESENTATIVE["position"])
    phone.locator("button[name=answer][value=represented]").click()

    with translation.override("id"):  # the phone asks for Indonesian
        represented = str(Invitation.Answer.REPRESENTED.label)
    status = phone.locator("#current-answer")
    expect(status).to_contain_text(represented)
    expect(status).to_contain_text(REPRESENTATIVE["name"])
    assert page_width(phone) <= PHONE_WIDTH
    phone.screenshot(path="/tmp/answer-represented-phone.png", full_page=True)

    invitation.refresh_from_db()
    representative = present(invitation.represented_by)
    assert invitation.answer == Invitation.Answer.REPRESENTED
    assert representative.meeting == meeting
    assert representative.member.email == REPRESENTATIVE["email"]
    assert representative.member.position == REPRESENTATIVE["position"]
    assert representative.member.agency == invitation.member.agency
    representative_mail = sent_mail(REPRESENTATIVE["email"])
    assert meeting.title in representative_mail["Subject"]
    text = " ".join(body(representative_mail).split())
    original = f"{invitation.member.full_name}, {invitation.member.agency.name}"
    assert f"diundang sebagai wakil dari {original}" in text, "says whom she represents"
    assert ANSWER_PATH.search(body(representative_mail))
