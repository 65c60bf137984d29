"""On a 360-px phone: someone holding a frozen document checks it on its verification page,
and an organizer reads the meeting's official records."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from records.services.audit import record_change
from tests.browser.support import (
    PHONE_WIDTH,
    fits_the_screen,
    page_width,
    sign_in,
    words_split_across_lines,
)
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import OrganizerFactory
from tests.outputs.factories import MinutesFactory
from tests.records.support import freeze, simple_render

pytestmark = pytest.mark.browser


@pytest.fixture
def frozen(db, tmp_path):  # noqa: ARG001 (requested for its effect)
    organizer = OrganizerFactory.create()
    meeting = MeetingFactory.create(sessions=2)
    meeting.organizers.add(organizer)
    render = simple_render()
    document = freeze(meeting, MinutesFactory.create(meeting=meeting), organizer, render=render)
    pdf = tmp_path / "notulen.pdf"
    pdf.write_bytes(document.pdf_bytes())
    return {"document": document, "code": render.stamps[0].code, "pdf": pdf, "organizer": organizer}


def test_a_reader_checks_the_file_they_hold_on_the_verification_page(phone, frozen):
    phone.goto(f"/v/{frozen['code']}")

    expect(phone.locator("h2").first).to_have_text(frozen["document"].title)
    assert page_width(phone) <= PHONE_WIDTH
    phone.locator("input[type=file]").set_input_files(str(frozen["pdf"]))
    phone.get_by_role("button", name="Periksa").click()

    expect(phone.locator(".alert-success", has_text="Sama persis")).to_be_visible()
    assert page_width(phone) <= PHONE_WIDTH


def test_an_organizer_reads_the_official_records_on_a_phone(phone, frozen, live_server):
    session = SessionStore()
    user = frozen["organizer"]
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    phone.context.add_cookies(
        [{"name": "sessionid", "value": session.session_key, "url": live_server.url}]
    )

    phone.goto(f"/meetings/{frozen['document'].meeting_id}/records/")

    expect(phone.locator("h1")).to_have_text("Arsip resmi")
    expect(phone.get_by_text(frozen["document"].title)).to_be_visible()
    assert page_width(phone) <= PHONE_WIDTH


def test_an_organizer_reads_the_audit_trail_in_words_on_a_phone(phone, frozen, live_server):
    sign_in(phone.context, live_server, frozen["organizer"])

    phone.goto(f"/meetings/{frozen['document'].meeting_id}/records/audit/")

    expect(phone.get_by_text("Dokumen difinalkan")).to_be_visible()
    expect(phone.get_by_text("Sudah bertanda tangan:").first).to_be_visible()
    assert page_width(phone) <= PHONE_WIDTH


def test_the_audit_trail_reads_on_a_phone_without_scrolling_sideways_nor_breaking_names(
    phone, live_server
):
    """Each entry reads down the screen, its columns named; who did it wraps between words."""
    name = "Muhammad Ja'far Sidiq Pratama"
    organizer = OrganizerFactory.create(name=name, email="muhammad.jafar.sidiq@kemenpanrb.go.id")
    meeting = MeetingFactory.create()
    meeting.organizers.add(organizer)
    invitation = InvitationFactory.create(
        meeting=meeting, member__full_name="Dr. Ni Luh Putu Ayu Kusumawardhani, S.H., M.Kn."
    )
    record_change(
        actor=organizer,
        meeting=meeting,
        obj=invitation,
        action="attendance.excused",
        before={"excused": False},
        after={"excused": True},
        reason="Sakit, surat keterangan dokter terlampir",
    )
    sign_in(phone.context, live_server, organizer)

    phone.goto(f"/meetings/{meeting.pk}/records/audit/")

    who = phone.locator("table tbody td", has_text=name)
    expect(who).to_be_visible()
    assert page_width(phone) <= PHONE_WIDTH
    assert fits_the_screen(phone.locator("table"))
    assert not set(words_split_across_lines(who)) & set(name.split())
    expect(phone.locator("table tbody td", has_text="Sakit, surat")).to_be_in_viewport()
    phone.screenshot(path="/tmp/audit-trail-phone.png", full_page=True)
