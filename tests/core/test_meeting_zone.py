"""Every moment of a meeting is shown in the meeting's zone with its label, in pages, emails and
exports, never in the server's zone (Jakarta) without a label. The meeting here is in Makassar
(WITA, UTC+8); the moment is 6 December 2026, 12:51:00.882574 UTC = 20.51 WITA = 19.51 WIB."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from attendance import services as attendance_services
from attendance.models import CheckIn
from core.dates import export_iso, export_local, format_stamp
from events import services as events_services
from tests.attendance.factories import AcceptedInvitationFactory, CheckInFactory, WalkInFactory
from tests.events.factories import MeetingFactory, SessionFactory
from tests.support.exports import download
from tests.support.found import first_sheet
from tests.support.zones import MAKASSAR, MOMENT, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def frozen():
    with time_machine.travel(MOMENT, tick=False):
        yield


@pytest.fixture
def meeting(organizer, frozen):  # noqa: ARG001 (requested for its effect)
    meeting = MeetingFactory.create(sessions=0, time_zone=MAKASSAR, title="Rakor Wilayah Timur")
    SessionFactory.create(
        meeting=meeting,
        title="Hari 1",
        starts_at=MOMENT - timedelta(hours=2),
        ends_at=MOMENT + timedelta(hours=4),
    )
    meeting.organizers.add(organizer)
    return meeting


@translation.override("id")
def test_the_helpers_write_the_meetings_zone_with_its_label():
    assert format_stamp(MOMENT, MAKASSAR) == "6 Des 2026 20.51 WITA"
    assert format_stamp(MOMENT, "Asia/Jakarta") == "6 Des 2026 19.51 WIB"
    assert format_stamp(MOMENT, "Asia/Jayapura") == "6 Des 2026 21.51 WIT"
    assert format_stamp(MOMENT, "Europe/Berlin") == "6 Des 2026 13.51 CET"
    assert export_local(MOMENT, MAKASSAR) == "2026-12-06 20.51 WITA"
    assert export_iso(MOMENT, MAKASSAR) == "2026-12-06T20:51:00+08:00"


def test_the_attendance_csv_and_xlsx_write_local_time_and_iso_8601(organizer_client, meeting):
    session = meeting.sessions.get()
    CheckInFactory.create(
        invitation=AcceptedInvitationFactory.create(meeting=meeting), session=session, at=MOMENT
    )
    url = reverse("attendance:table", args=[meeting.pk])
    export = reverse("attendance:table_export", args=[meeting.pk, "F"]).replace(".F", ".{format}")

    csv_file = download(organizer_client, export.format(format="csv"), {"session": session.pk})
    rows = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    xlsx_file = download(organizer_client, export.format(format="xlsx"), {"session": session.pk})
    sheet = first_sheet(xlsx_file.content)
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]

    for header, row in ((rows[0], rows[1]), (cells[0], cells[1])):
        assert row[header.index("Checked in at")] == "2026-12-06 20.51 WITA"
        assert row[header.index("Checked in at (ISO 8601)")] == "2026-12-06T20:51:00+08:00"
    page = text(organizer_client.get(url, {"session": session.pk}))
    assert "20.51 WITA" in page
    assert "ISO 8601" not in page  # the machine-readable column is for exports only


def test_the_invitations_export_writes_the_answer_time_in_the_meetings_zone(
    organizer_client, meeting
):
    AcceptedInvitationFactory.create(meeting=meeting, answered_at=MOMENT)
    url = reverse("events:meeting_invitations_export", args=[meeting.pk, "csv"])

    rows = list(
        csv.reader(io.StringIO(download(organizer_client, url).content.decode("utf-8-sig")))
    )

    assert rows[1][rows[0].index("Answered at")] == "2026-12-06 20.51 WITA"
    assert rows[1][rows[0].index("Answered at (ISO 8601)")] == "2026-12-06T20:51:00+08:00"


def test_the_self_check_in_confirmation_says_wita(client, meeting):
    session = meeting.sessions.get()
    invitation = AcceptedInvitationFactory.create(meeting=meeting)
    client.get(
        reverse("events:answer", args=[events_services.issue_answer_link(invitation=invitation)])
    )
    url = reverse("attendance:self_checkin", args=[attendance_services.venue_code(session=session)])
    page = text(client.get(url))
    pass_value = page.split('name="pass" value="')[1].split('"')[0]

    done = text(client.post(url, {"pass": pass_value, "action": "confirm"}))

    assert CheckIn.objects.get().at == MOMENT
    assert "20.51 WITA" in done
    assert "WIB" not in done
    again = text(client.get(url))
    assert "already checked in (at 20.51 WITA)" in again


def test_the_dashboard_shows_walk_ins_and_check_ins_in_wita(organizer_client, meeting):
    session = meeting.sessions.get()
    WalkInFactory.create(session=session)
    CheckInFactory.create(
        invitation=AcceptedInvitationFactory.create(meeting=meeting), session=session, at=MOMENT
    )

    page = text(organizer_client.get(reverse("attendance:dashboard", args=[meeting.pk])))

    assert page.count("20.51 WITA") >= 3  # the walk-in, the check-in, "updated at"
    assert "19.51" not in page
