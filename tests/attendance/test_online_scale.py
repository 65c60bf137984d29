"""The import of a participant report makes the same number of queries for 100 rows as for
1,000 (the benchmark's size: bench/online_import.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attendance.models import OnlineAttendance
from attendance.services import online_import, online_reports
from tests.attendance.online_world import hybrid_meeting, many_invitees, zoom_report

pytestmark = pytest.mark.django_db


def queries_to_import(rows: int, invitations: int) -> tuple[list[str], int]:
    meeting = hybrid_meeting()
    session = meeting.sessions.get()
    data = zoom_report(many_invitees(meeting, invitations), rows=rows)
    with CaptureQueriesContext(connection) as queries:
        draft = online_reports.upload_report(
            session=session, platform="zoom", filename="peserta.csv", data=data, by=None
        )
        online_reports.preview_report(report=draft)
        result = online_import.import_report(report=draft)
    assert OnlineAttendance.objects.filter(session=session).count() == result.matched
    return [query["sql"].split()[0] for query in queries.captured_queries], result.matched


def test_the_reads_do_not_grow_with_the_rows():
    queries_to_import(rows=25, invitations=20)  # Django's caches (content types) warm
    small, small_matched = queries_to_import(rows=100, invitations=80)
    large, large_matched = queries_to_import(rows=1000, invitations=800)

    assert (small_matched, large_matched) == (56, 560)
    assert large.count("SELECT") == small.count("SELECT")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite splits a bulk insert into batches of 999 parameters: only its reads are fixed",
)
def test_no_query_grows_with_the_rows():
    queries_to_import(rows=25, invitations=20)  # Django's caches (content types) warm
    small, _matched = queries_to_import(rows=100, invitations=80)
    large, _matched = queries_to_import(rows=1000, invitations=800)

    assert len(large) == len(small)
