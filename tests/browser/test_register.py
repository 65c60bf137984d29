import re
import time
from datetime import timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Invitation, Meeting
from privacy.models import MeetingPhoneUse, PhonePurpose
from tests.browser.support import PHONE_WIDTH, page_width, sent_mail
from tests.events.factories import MeetingFactory
from tests.members.factories import AgencyFactory
from tests.support.found import body, found

pytestmark = pytest.mark.browser

CODE_LINE = re.compile(r"^ {4}(?P<code>\d{6})$", re.MULTILINE)
ADDRESS = "siti.rahmawati@humas.kemenag.go.id"


@pytest.fixture
def meeting(transactional_db):  # noqa: ARG001 (requested for its effect)
    meeting = MeetingFactory.create(
        title="Koordinasi Pranata Humas Antar K/L",
        sessions=2,
        registration_open=True,
        registration_scope=Meeting.RegistrationScope.EMAIL_DOMAINS,
        registration_domains="kemenag.go.id",
        answer_deadline=timezone.now() + timedelta(days=7),
    )
    # Its organizers keep a contact list for the day, so the form asks for a mobile number.
    MeetingPhoneUse.objects.create(meeting=meeting, purpose=PhonePurpose.CONTACT_LIST)
    return meeting


def calendar_part(to: str, timeout: float = 10.0):
    """The text/calendar part of the latest mail to `to`, waiting for one that has it."""
    deadline = time.monotonic() + timeout
    while True:
        message = sent_mail(to)
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                return part
        assert time.monotonic() < deadline, "no calendar invitation was sent"
        time.sleep(0.1)


def test_a_member_registers_on_a_phone_and_receives_the_invitation(phone, meeting):
    agency = AgencyFactory.create(name="Kementerian Agama", acronym="Kemenag")

    phone.goto(reverse("events:register", args=[meeting.public_code]))
    expect(phone.get_by_role("heading", name=meeting.title)).to_be_visible()
    expect(phone.get_by_text("Kamis, 25 November 2021 · 08.00–16.00 WIB")).to_be_visible()
    assert page_width(phone) <= PHONE_WIDTH
    phone.screenshot(path="/tmp/register-phone.png", full_page=True)

    form = phone.locator("#registration-form")
    form.locator("[name=full_name]").fill("Siti Rahmawati, S.Sos.")
    form.locator("[name=email]").fill(ADDRESS)
    form.locator("[name=nip]").fill("19850315 201001 2 001")
    form.locator("[name=agency]").select_option(str(agency.pk))
    form.locator("[name=position]").fill("Pranata Humas Ahli Muda")
    form.locator("[name=rank]").select_option("III/c")
    form.locator("[name=phone]").fill("0812-3456-7890")
    expect(form.locator('[data-privacy-notice="registration"]')).to_be_visible()
    form.locator("button[type=submit]").click()

    expect(phone).to_have_url(
        re.compile(re.escape(reverse("events:register_confirm", args=[meeting.public_code])))
    )
    expect(phone.get_by_text(ADDRESS)).to_be_visible()
    assert page_width(phone) <= PHONE_WIDTH

    code = found(CODE_LINE, body(sent_mail(ADDRESS)))["code"]
    phone.locator("#confirm-form [name=code]").fill(code)
    phone.locator("#confirm-form button[type=submit]").click()

    outcome = phone.locator("#registration-outcome")
    expect(outcome).to_have_attribute("data-outcome", "attending")
    assert page_width(phone) <= PHONE_WIDTH
    phone.screenshot(path="/tmp/register-done-phone.png", full_page=True)
    part = calendar_part(ADDRESS)
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    assert part.get_param("method") == str(calendar["METHOD"]) == "REQUEST"
    # the latest email: the last session's (an email per session)
    assert str(calendar.events[0]["UID"]) == meeting.sessions.latest("starts_at").uid
    assert Invitation.objects.get(member__email=ADDRESS).answer == Invitation.Answer.YES
