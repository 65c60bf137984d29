"""The organizers' pages for a session's participant reports: upload, preview with choices,
import, the kept file; refusals say why and write nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attendance.models import CheckIn, OnlineAttendance, OnlineReport
from records.models import AuditEntry
from tests.attendance.online_world import hybrid_meeting, invitees, report
from tests.members.factories import OrganizerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(organizer):
    meeting = hybrid_meeting()
    meeting.organizers.add(organizer)
    return meeting, meeting.sessions.get(), invitees(meeting)


def upload(client, meeting, session, name, platform=""):
    return client.post(
        reverse("attendance:online_reports", args=[meeting.pk, session.pk]),
        {"platform": platform, "report": SimpleUploadedFile(name, report(name))},
    )


def test_an_organizer_previews_chooses_and_imports_a_zoom_report(organizer_client, english, world):
    meeting, session, people = world

    uploaded = upload(organizer_client, meeting, session, "zoom_en.csv", "zoom")
    preview = organizer_client.get(uploaded.url)

    assert "Matched: 4" in preview.text and "To choose: 1" in preview.text
    assert "Unknown: 2" in preview.text
    assert not OnlineAttendance.objects.exists()  # a preview writes nothing
    rina = next(k for k in preview.context["preview"].ambiguous)
    imported = organizer_client.post(
        uploaded.url, {"action": "import", f"choose-{rina.key}": people["rina_kemenag"].pk}
    )

    assert imported.status_code == 302
    present = set(
        CheckIn.objects.filter(method="online").values_list(
            "invitation__member__full_name", flat=True
        )
    )
    assert present == {"Budi Santoso", "Joko Susilo", "Siti Aminah", "Rina Wati"}
    assert CheckIn.objects.filter(invitation=people["rina_kemenag"]).exists()
    page = organizer_client.get(imported.url)
    assert "zoom_en.csv" in page.text and "Imported" in page.text


def test_recognised_without_choosing_the_platform(organizer_client, world):
    meeting, session, _people = world

    uploaded = upload(organizer_client, meeting, session, "teams_id.csv")

    assert OnlineReport.objects.get().platform == "teams"
    assert uploaded.status_code == 302


def test_another_platforms_file_is_refused_on_the_page(organizer_client, english, world):
    meeting, session, _people = world

    response = upload(organizer_client, meeting, session, "meet_en.csv", "zoom")

    assert response.status_code == 400
    assert "This is a Google Meet report, not a Zoom one" in response.text
    assert not OnlineReport.objects.exists()


def test_the_kept_report_is_served_to_organizers_only(organizer_client, client, organizer, world):
    meeting, session, _people = world
    upload(organizer_client, meeting, session, "zoom_id.csv", "zoom")
    kept = OnlineReport.objects.get()
    url = reverse("attendance:online_report_file", args=[meeting.pk, kept.pk])

    mine = organizer_client.get(url)
    client.force_login(OrganizerFactory())
    other = client.get(url)

    assert b"".join(mine.streaming_content) == report("zoom_id.csv")
    assert other.status_code == 403
    [download] = AuditEntry.objects.filter(action="online_report.downloaded")
    assert download.actor == organizer
