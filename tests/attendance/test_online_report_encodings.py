"""A UTF-16 report cut short (a download that broke off: an odd number of bytes) or holding a
broken character is refused with the "cannot be read" message, not a server error."""

import pytest
from django.utils import translation

from attendance.models import OnlineReport
from attendance.services import online_reports
from tests.attendance.online_world import hybrid_meeting, report

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-1],  # an odd number of bytes
        lambda data: data[:200] + b"\x00\xd8" + data[200:],  # a lone surrogate
    ],
)
def test_a_damaged_utf16_report_is_refused_and_nothing_kept(damage):
    data = damage(report("teams_en.csv"))  # Teams writes UTF-16 with its byte-order mark
    session = hybrid_meeting().sessions.get()

    with translation.override("en"), pytest.raises(online_reports.ReportError) as refused:
        online_reports.upload_report(
            session=session, platform=None, filename="t.csv", data=data, by=None
        )

    assert "cannot be read" in str(refused.value.message)
    assert not OnlineReport.objects.exists()


def test_a_workbook_of_an_unknown_zip_version_is_refused_and_nothing_kept():
    data = bytearray(report("meet_id.xlsx"))
    entry = data.index(b"PK\x01\x02")  # the first entry of the central directory
    data[entry + 6 : entry + 8] = (72).to_bytes(2, "little")  # "needs zip version 7.2"
    session = hybrid_meeting().sessions.get()

    with translation.override("en"), pytest.raises(online_reports.ReportError) as refused:
        online_reports.upload_report(
            session=session, platform=None, filename="m.xlsx", data=bytes(data), by=None
        )

    assert "cannot be read" in str(refused.value.message)
    assert not OnlineReport.objects.exists()
