"""A participant report holds many people's names and addresses: its preview and the kept file
are bulk views of personal data, so each is in the access log (UU 27/2022 Art. 31) with who,
which meeting and which people, like the attendance table and its exports."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from personal_data.models import Access, AccessedPerson, AccessEntry
from tests.attendance.online_world import hybrid_meeting, invitees, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def uploaded(organizer_client, organizer):
    meeting = hybrid_meeting()
    meeting.organizers.add(organizer)
    session = meeting.sessions.get()
    people = invitees(meeting)
    response = organizer_client.post(
        reverse("attendance:online_reports", args=[meeting.pk, session.pk]),
        {"platform": "zoom", "report": SimpleUploadedFile("zoom_en.csv", report("zoom_en.csv"))},
    )
    return meeting, people, response.url


def test_the_preview_of_a_report_is_logged_with_its_matched_people(organizer_client, uploaded):
    meeting, people, url = uploaded

    preview = organizer_client.get(url)

    entry = AccessEntry.objects.get(what=Access.ONLINE_REPORT)
    matched = {line.invitee.invitation_id for line in preview.context["preview"].matched}
    assert entry.meeting == meeting
    assert entry.people == len(matched) == 4
    logged = set(AccessedPerson.objects.filter(entry=entry).values_list("member_id", flat=True))
    assert people["budi"].member_id in logged


def test_downloading_the_kept_report_is_logged(organizer_client, uploaded):
    meeting, people, url = uploaded
    rina = organizer_client.get(url).context["preview"].ambiguous[0]
    organizer_client.post(
        url, {"action": "import", f"choose-{rina.key}": people["rina_kemenag"].pk}
    )
    report_pk = int(url.rstrip("/").split("/")[-1])

    response = organizer_client.get(
        reverse("attendance:online_report_file", args=[meeting.pk, report_pk])
    )

    assert response.status_code == 200
    entry = AccessEntry.objects.get(what=Access.ONLINE_REPORT_FILE)
    assert entry.meeting == meeting
    assert entry.people == 5
