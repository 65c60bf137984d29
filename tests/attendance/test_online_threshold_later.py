"""A threshold raised after an import applies to the next import, and "imports made before keep
whom they made present" (save_online_threshold): a second report of the same session must not
take back the online presence an earlier one gave, or the daftar hadir's next version would
change a row already closed from "online" or "both" to nothing or "room"."""

import pytest

from attendance.models import OnlineAttendance
from attendance.services import online_import, online_reports, online_threshold
from tests.attendance.online_world import hybrid_meeting, invitees, report

pytestmark = pytest.mark.django_db


def test_a_second_report_under_a_higher_threshold_keeps_the_first_ones_presence(organizer):
    meeting = hybrid_meeting()
    meeting.organizers.add(organizer)
    session, people = meeting.sessions.get(), invitees(meeting)
    for name, platform in (("zoom_en.csv", "zoom"), ("meet_en.csv", "meet")):
        draft = online_reports.upload_report(
            session=session, platform=platform, filename=name, data=report(name), by=organizer
        )
        online_import.import_report(report=draft, by=organizer)
        if platform == "zoom":
            assert OnlineAttendance.objects.get(invitation=people["budi"]).reached
            online_threshold.save_online_threshold(meeting=meeting, minutes=200, by=organizer)

    budi = OnlineAttendance.objects.get(invitation=people["budi"])
    assert budi.reports.count() == 2
    assert budi.reached
