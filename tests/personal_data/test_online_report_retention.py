"""Retention of the platforms' participant reports: they hold names and addresses of everyone
in the call, invitees or not. A draft never imported goes after its period; an imported one
is evidence of the daftar hadir and loses its file on the signatures' rule (a closed version
of the sheet made after the import holds what it proved), its row staying for the evidence's
label."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from attendance.models import OnlineReport
from attendance.services import close_sheet, online_import, online_reports
from personal_data.services import retention
from tests.attendance.online_world import hybrid_meeting, invitees, report

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def session(organizer):
    meeting = hybrid_meeting()
    meeting.organizers.add(organizer)
    invitees(meeting)
    return meeting.sessions.get()


def upload(session, name, platform, organizer):
    return online_reports.upload_report(
        session=session, platform=platform, filename=name, data=report(name), by=organizer
    )


def stored(report):
    report = OnlineReport.objects.filter(pk=report.pk).first()
    return bool(report and report.file and report.file.storage.exists(report.file.name))


def test_a_draft_goes_after_its_period(session, organizer, django_capture_on_commit_callbacks):
    draft = upload(session, "zoom_en.csv", "zoom", organizer)
    name = draft.file.name

    with time_machine.travel(timezone.now() + 6 * DAY):
        retention.purge()
    assert stored(draft)
    with (
        time_machine.travel(timezone.now() + 8 * DAY),
        django_capture_on_commit_callbacks(execute=True),
    ):
        retention.purge()

    assert not OnlineReport.objects.filter(pk=draft.pk).exists()
    assert not draft.file.storage.exists(name)


def test_an_imported_report_loses_its_file_once_a_closed_sheet_holds_it(
    session, organizer, django_capture_on_commit_callbacks
):
    held = upload(session, "zoom_en.csv", "zoom", organizer)
    online_import.import_report(report=held, by=organizer)
    close_sheet(session=session, by=organizer)
    with time_machine.travel(timezone.now() + DAY):
        late = upload(session, "meet_en.csv", "meet", organizer)
        online_import.import_report(report=late, by=organizer)

    with (
        time_machine.travel(timezone.now() + 1096 * DAY),
        django_capture_on_commit_callbacks(execute=True),
    ):
        retention.purge()

    assert not stored(held)
    assert OnlineReport.objects.filter(pk=held.pk).exists()
    assert stored(late)  # imported after the last version: no record holds it yet


@pytest.mark.usefixtures("english")
def test_the_page_of_a_report_whose_file_went_says_so(
    session, organizer, organizer_client, django_capture_on_commit_callbacks
):
    imported = upload(session, "zoom_en.csv", "zoom", organizer)
    online_import.import_report(report=imported, by=organizer)
    close_sheet(session=session, by=organizer)
    with (
        time_machine.travel(timezone.now() + 1096 * DAY),
        django_capture_on_commit_callbacks(execute=True),
    ):
        retention.purge()
    url = reverse("attendance:online_report", args=[session.meeting_id, imported.pk])

    page = organizer_client.get(url, follow=True)
    download = organizer_client.get(
        reverse("attendance:online_report_file", args=[session.meeting_id, imported.pk])
    )

    assert "deleted after its retention period" in page.content.decode()
    assert download.status_code == 404
