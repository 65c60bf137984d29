"""A participant a report names without an invitation, added by the organizer as tanpa
undangan, becomes a member as anyone else entered from a file does: the name on one line
without control characters and within the field's length, and only with a valid address."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from attendance.services import online_import, online_reports
from members.models import Member
from personal_data.models import RightsRequest
from personal_data.services.rights import answer_request, ask
from tests.attendance.online_world import hybrid_meeting, invitees, report
from tests.members.factories import MemberFactory, UserFactory
from tests.support.exports import download
from tests.support.found import present

pytestmark = pytest.mark.django_db

GUEST = b"Tamu Luar,tamu.luar@example.org,"


@pytest.fixture
def world():
    meeting = hybrid_meeting()
    return meeting.sessions.get(), invitees(meeting)


def import_guest(session, people, guest_cells: bytes):
    data = report("zoom_en.csv").replace(GUEST, guest_cells)
    draft = online_reports.upload_report(
        session=session, platform="zoom", filename="zoom.csv", data=data, by=None
    )
    unknown = online_reports.preview_report(report=draft).unknown
    [guest] = [line for line in unknown if "Tamu" in line.name or "example.org" in line.email]
    agency = people["dewi"].member.agency
    return online_import.import_report(
        report=draft, added={guest.key: online_import.UnknownChoice(agency_id=agency.pk)}
    )


def test_the_guests_name_is_cleaned_and_fits(world):
    session, people = world
    long_name = "Tamu\nLuar\x01=1+1 " + "Panjang " * 40

    import_guest(session, people, b'"' + long_name.encode() + b'",tamu.luar@example.org,')

    guest = Member.objects.get(email="tamu.luar@example.org")
    assert guest.full_name.startswith("Tamu Luar =1+1 Panjang")
    assert len(guest.full_name) <= present(Member._meta.get_field("full_name").max_length)


def test_a_guest_without_a_valid_address_is_refused_and_nothing_written(world):
    session, people = world
    members = Member.objects.count()

    with translation.override("en"), pytest.raises(online_import.ImportRefused) as refused:
        import_guest(session, people, b"Tamu Luar,tamu luar@@example,")

    assert "Tamu Luar" in str(refused.value.message)
    assert Member.objects.count() == members


def test_a_guest_named_like_a_formula_is_plain_text_in_the_attendance_export(
    world, organizer, organizer_client
):
    session, people = world
    session.meeting.organizers.add(organizer)
    name = '=HYPERLINK(""http://x.example"";""Klik"")'

    import_guest(session, people, b'"' + name.encode() + b'",tamu.luar@example.org,')
    exported = download(
        organizer_client,
        reverse("attendance:table_export", args=[session.meeting_id, "csv"]),
        {"session": session.pk},
    ).content.decode("utf-8-sig")

    [row] = [r for r in csv.reader(io.StringIO(exported)) if any("HYPERLINK" in c for c in r)]
    assert not any(cell.lstrip().startswith(("=", "+", "-", "@")) for cell in row)


def test_a_guest_who_stopped_processing_is_not_added(world):
    session, people = world
    guest = MemberFactory.create(email="tamu.luar@example.org")
    request = ask(member=guest, kind=RightsRequest.Kind.STOP)
    answer_request(request=request, by=UserFactory.create(is_staff=True), carry_out=True)

    with translation.override("en"), pytest.raises(online_import.ImportRefused) as refused:
        import_guest(session, people, GUEST)

    assert "stop processing" in str(refused.value.message)
    assert not guest.invitations.exists()
