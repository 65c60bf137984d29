"""python manage.py import_online_attendance: the page's import from the command line."""

import pytest
from django.core.management import CommandError, call_command

from attendance.models import CheckIn, OnlineAttendance, OnlineReport
from tests.attendance.online_world import FIXTURES, hybrid_meeting, invitees

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    meeting = hybrid_meeting()
    invitees(meeting)
    return meeting.sessions.get()


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_online_attendance", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_a_dry_run_prints_the_counts_and_writes_nothing(session):
    out = run(session.pk, FIXTURES / "teams_en.csv", "--dry-run")

    assert out.startswith("matched=4 ambiguous=1 unknown=2")
    assert "dry run: nothing written" in out
    assert not OnlineReport.objects.exists()
    assert not CheckIn.objects.exists()


def test_the_import_records_the_matched_people_and_keeps_the_report(session):
    out = run(session.pk, FIXTURES / "meet_id.xlsx", "--platform", "meet")

    assert out.startswith("matched=4 ambiguous=1 unknown=1")
    assert "3 newly present online" in out  # Budi, Siti, Joko; Dewi's 20 minutes do not count
    assert OnlineReport.objects.get().state == "imported"
    assert OnlineAttendance.objects.count() == 4
    assert CheckIn.objects.filter(method="online").count() == 3


def test_a_wrong_platform_stops_with_the_reason(session):
    with pytest.raises(CommandError, match="Zoom"):
        run(session.pk, FIXTURES / "zoom_en.csv", "--platform", "teams")

    assert not OnlineReport.objects.exists()
