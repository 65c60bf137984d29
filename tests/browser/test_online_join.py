import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from attendance.models import CheckIn
from events.services import issue_answer_link
from tests.attendance.factories import AcceptedInvitationFactory
from tests.attendance.online_world import hybrid_meeting
from tests.browser.support import PHONE_WIDTH, page_width

pytestmark = pytest.mark.browser


def test_an_invitee_joins_a_hybrid_meeting_and_is_checked_in_online_on_a_phone(phone, live_server):
    room = f"{live_server.url}/ruang-rapat-daring/"
    meeting = hybrid_meeting(online_url=room)
    now = timezone.now()
    meeting.sessions.update(starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=2))
    invitation = AcceptedInvitationFactory.create(meeting=meeting)
    secret = issue_answer_link(invitation=invitation)

    phone.goto(f"/a/{secret}/")
    button = phone.locator("#online-join button[type=submit]")
    expect(button).to_have_text("Gabung dan catat kehadiran")
    assert page_width(phone) <= PHONE_WIDTH
    assert not CheckIn.objects.exists()  # opening the page is not checking in
    phone.screenshot(path="/tmp/online-join-phone.png", full_page=True)
    button.click()

    # The confirmation, then the meeting's link opens by itself.
    phone.wait_for_url(re.compile("ruang-rapat-daring"))
    checkin = CheckIn.objects.get()
    assert (checkin.invitation, checkin.method) == (invitation, "online")


def test_before_the_window_the_phone_says_when_online_check_in_opens(phone):
    meeting = hybrid_meeting()
    now = timezone.now()
    meeting.sessions.update(starts_at=now + timedelta(hours=5), ends_at=now + timedelta(hours=8))
    invitation = AcceptedInvitationFactory.create(meeting=meeting)

    phone.goto(f"/a/{issue_answer_link(invitation=invitation)}/")

    block = phone.locator("#online-join")
    expect(block).to_contain_text("Registrasi daring dibuka pada")
    assert block.locator("button").count() == 0
    assert page_width(phone) <= PHONE_WIDTH


def test_an_organizer_imports_a_teams_report_choosing_the_ambiguous_name_on_a_phone(
    phone, live_server, organizer
):
    from tests.attendance.online_world import FIXTURES, invitees
    from tests.browser.support import sign_in

    meeting = hybrid_meeting()
    meeting.organizers.add(organizer)
    session = meeting.sessions.get()
    people = invitees(meeting)
    sign_in(phone.context, live_server, organizer)

    phone.goto(f"/meetings/{meeting.pk}/attendance/{session.pk}/online/")
    phone.locator("select[name=platform]").select_option("teams")
    phone.locator("input[name=report]").set_input_files(str(FIXTURES / "teams_id.csv"))
    phone.locator("form[enctype] button[type=submit]").click()

    expect(phone.locator("body")).to_contain_text("Cocok: 4")
    assert page_width(phone) <= PHONE_WIDTH
    phone.get_by_label(re.compile(r"Rina Wati · Kementerian Komunikasi")).check()
    phone.screenshot(path="/tmp/online-report-phone.png", full_page=True)
    phone.locator("button[name=action][value=import]").click()

    expect(phone.locator(".alert-success, .alert")).to_contain_text("Diimpor")
    present = set(CheckIn.objects.filter(method="online").values_list("invitation", flat=True))
    assert present == {people[k].pk for k in ("budi", "siti", "joko", "rina_kominfo")}


def test_the_preview_shows_who_is_present_online_without_scrolling_sideways_on_a_phone(
    phone, live_server, organizer
):
    from tests.attendance.online_world import FIXTURES, invitees
    from tests.browser.support import sign_in

    meeting = hybrid_meeting()
    meeting.organizers.add(organizer)
    session = meeting.sessions.get()
    invitees(meeting)
    sign_in(phone.context, live_server, organizer)

    phone.goto(f"/meetings/{meeting.pk}/attendance/{session.pk}/online/")
    phone.locator("input[name=report]").set_input_files(str(FIXTURES / "zoom_en.csv"))
    phone.locator("form[enctype] button[type=submit]").click()

    # The matched table's last column (present online: yes or no) is on the screen, not behind
    # a sideways scroll pushed out by a long email address.
    last_header = phone.locator("table thead th").last
    expect(last_header).to_have_text("Hadir daring")
    box = last_header.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= PHONE_WIDTH
