"""The home page after sign-in fits a phone: the organizer's meetings with their counts and what
needs doing, and the member's own invitations one tap from their answer page."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from events.models import Invitation
from tests.browser.support import PHONE_WIDTH, page_width, sign_in
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import MemberFactory
from tests.outputs.factories import ActionFactory

pytestmark = pytest.mark.browser


def test_an_organizer_who_is_also_invited_sees_both_on_a_phone(phone, live_server, organizer):
    upcoming = MeetingFactory.create(
        title="Rapat Koordinasi Pranata Humas Antar Kementerian/Lembaga Tahun 2031",
        sessions=2,
        sessions__first_day=date(2031, 3, 10),
    )
    upcoming.organizers.add(organizer)
    past = MeetingFactory.create(
        title="Rakor Humas Oktober", sessions__first_day=date(2021, 10, 14)
    )
    past.organizers.add(organizer)
    InvitationFactory.create_batch(3, meeting=upcoming)
    ActionFactory.create(meeting=past, due_date=date(2021, 11, 1))
    me = MemberFactory.create(user=organizer, email=organizer.email)
    mine = InvitationFactory.create(
        member=me, meeting=MeetingFactory.create(sessions__first_day=date(2031, 4, 1))
    )
    sign_in(phone.context, live_server, organizer)

    phone.goto(reverse("home"))

    expect(phone.locator("#upcoming-title")).to_be_visible()
    expect(phone.locator("#todo")).to_contain_text("3 dari 3 undangan belum menjawab")
    expect(phone.locator("#todo")).to_contain_text("notulen perlu ditulis")
    expect(phone.locator("#todo")).to_contain_text("1 tindak lanjut melewati tenggat")
    assert page_width(phone) <= PHONE_WIDTH
    phone.screenshot(path="/tmp/home-phone.png", full_page=True)
    phone.locator("#my-meetings").get_by_role("button", name="Jawab", exact=True).tap()
    expect(phone.locator("#your-answer")).to_be_visible()
    assert Invitation.objects.get(pk=mine.pk).links.count() == 1
