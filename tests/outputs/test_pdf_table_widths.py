"""The fixed-layout tables of the laporan keep every column wide enough for its text."""

import pytest

from events.models import Meeting
from outputs.exports_report import activity_report_html
from outputs.services import report as reports
from tests.events.factories import MeetingFactory
from tests.support.overflow import overflowing_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("mode", [Meeting.Mode.HYBRID, Meeting.Mode.ONLINE])
def test_a_hybrid_meetings_sessions_table_prints_each_session_in_its_own_column(organizer, mode):
    """With the online columns, the fixed widths of the others left the Session column none:
    "Hari 1" was printed over the date beside it."""
    meeting = MeetingFactory.create(sessions=2, mode=mode)
    meeting.organizers.add(organizer)
    report = reports.report_for(meeting=meeting, by=organizer)

    found = overflowing_text(activity_report_html(report=report, language="id"))

    assert found == []
