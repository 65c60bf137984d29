"""Questions before a step that cannot be undone, asked by static/js/rakor.js (no inline
handler): cancelling keeps everything, agreeing goes ahead."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from events.models import Invitation
from outputs.services import report as reports
from records.models import FrozenDocument
from tests.browser.support import PHONE_WIDTH, page_width, sign_in
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.browser


def _asks_then_goes_ahead(phone, button, done) -> list[str]:
    """Click `button` twice: cancel the question (nothing done), then agree (done() is true
    once the page after the post shows). The questions asked, in order."""
    questions: list[str] = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    def accept(dialog):
        questions.append(dialog.message)
        dialog.accept()

    phone.once("dialog", dismiss)
    button.click()
    expect(button).to_be_visible()
    assert not done()

    phone.once("dialog", accept)
    button.click()
    expect(phone.locator(".alert-success, .alert-info")).to_be_visible()
    assert done()
    return questions


def test_withdrawing_an_invitation_asks_first(phone, organizer, live_server):
    meeting = MeetingFactory.create()
    meeting.organizers.add(organizer)
    invitation = InvitationFactory.create(meeting=meeting)
    sign_in(phone.context, live_server, organizer)
    phone.goto(reverse("events:meeting_invitations", args=[meeting.pk]))
    withdraw = phone.locator("form[action$='/withdraw/'] button")

    questions = _asks_then_goes_ahead(
        phone,
        withdraw,
        lambda: Invitation.objects.get(pk=invitation.pk).withdrawn_at is not None,
    )

    assert len(questions) == 2
    assert invitation.member.full_name in questions[0]


def test_closing_a_daftar_hadir_asks_first(phone, organizer, live_server):
    meeting = MeetingFactory.create(sessions=1)  # in 2021: its signatures closed long ago
    meeting.organizers.add(organizer)
    session = meeting.sessions.get()
    sign_in(phone.context, live_server, organizer)
    phone.goto(reverse("attendance:sheets", args=[meeting.pk]))
    assert page_width(phone) <= PHONE_WIDTH
    close = phone.locator(
        f"form[action='{reverse('attendance:sheet_close', args=[meeting.pk, session.pk])}'] button"
    )

    questions = _asks_then_goes_ahead(
        phone, close, lambda: FrozenDocument.objects.filter(meeting=meeting).exists()
    )

    assert len(questions) == 2
    assert questions[0].startswith(f"Tutup daftar hadir {session.title}?")


def test_finalising_the_report_asks_first(phone, organizer, live_server):
    meeting = MeetingFactory.create(sessions=1)
    meeting.organizers.add(organizer)
    MemberFactory.create(user=organizer, email=organizer.email, full_name="Rina Kusumawati")
    draft = reports.report_for(meeting=meeting, by=organizer)
    data = reports.ReportData(
        **{name: getattr(draft, name) for name in reports.ReportData.__dataclass_fields__}
    )
    reports.save_report(meeting=meeting, data=data, by=organizer)
    sign_in(phone.context, live_server, organizer)
    phone.goto(reverse("outputs:report", args=[meeting.pk]))
    assert page_width(phone) <= PHONE_WIDTH
    finalise = phone.locator(
        f"form[action='{reverse('outputs:report_finalise', args=[meeting.pk])}'] button"
    )

    questions = _asks_then_goes_ahead(
        phone, finalise, lambda: FrozenDocument.objects.filter(meeting=meeting).exists()
    )

    assert len(questions) == 2
    assert questions[0].startswith("Finalkan laporan?")
