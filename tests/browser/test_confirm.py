"""Questions before a step that cannot be undone, asked by static/js/rakor.js (no inline
handler): cancelling keeps everything, agreeing goes ahead."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from events.models import Invitation
from tests.browser.support import sign_in
from tests.events.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.browser


def test_withdrawing_an_invitation_asks_first(phone, organizer, live_server):
    meeting = MeetingFactory.create()
    meeting.organizers.add(organizer)
    invitation = InvitationFactory.create(meeting=meeting)
    sign_in(phone.context, live_server, organizer)
    phone.goto(reverse("events:meeting_invitations", args=[meeting.pk]))
    withdraw = phone.locator("form[action$='/withdraw/'] button")
    questions: list[str] = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    def accept(dialog):
        questions.append(dialog.message)
        dialog.accept()

    phone.once("dialog", dismiss)
    withdraw.click()
    expect(withdraw).to_be_visible()
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is None

    phone.once("dialog", accept)
    withdraw.click()
    expect(phone.locator(".alert-success, .alert-info")).to_be_visible()

    assert len(questions) == 2
    assert invitation.member.full_name in questions[0]
    assert Invitation.objects.get(pk=invitation.pk).withdrawn_at is not None
