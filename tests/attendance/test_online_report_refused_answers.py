"""A report makes present only whom the desk and the "Join and check in" button would check in:
someone who sent a representative (the representative is the one present), declined or waits
for a seat keeps the report's minutes as evidence but gets no check-in, so the daftar hadir
does not count a seat twice."""

import pytest

from attendance.models import CheckIn, OnlineAttendance
from attendance.services import online_import, online_reports
from events.models import Invitation
from tests.attendance.online_world import hybrid_meeting, invitees, report

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "answer", [Invitation.Answer.REPRESENTED, Invitation.Answer.NO, Invitation.Answer.WAITLISTED]
)
def test_a_refused_answer_gains_evidence_but_no_check_in(answer):
    meeting = hybrid_meeting()
    session, people = meeting.sessions.get(), invitees(meeting)
    Invitation.objects.filter(pk=people["budi"].pk).update(answer=answer)
    draft = online_reports.upload_report(
        session=session, platform="zoom", filename="z.csv", data=report("zoom_en.csv"), by=None
    )

    result = online_import.import_report(report=draft)

    assert OnlineAttendance.objects.get(invitation=people["budi"]).minutes >= 90
    assert not CheckIn.objects.filter(invitation=people["budi"]).exists()
    assert CheckIn.objects.filter(invitation=people["joko"], method="online").exists()
    assert result.present == CheckIn.objects.count()
