"""An organizer of another meeting, going through their own meeting's pages, reaches neither the
first meeting's stored report nor its sessions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from attendance.models import OnlineReport
from tests.attendance.online_world import hybrid_meeting, invitees, report
from tests.members.factories import OrganizerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(organizer_client, organizer):
    meeting = hybrid_meeting()
    meeting.organizers.add(organizer)
    invitees(meeting)
    session = meeting.sessions.get()
    organizer_client.post(
        reverse("attendance:online_reports", args=[meeting.pk, session.pk]),
        {"platform": "zoom", "report": SimpleUploadedFile("z.csv", report("zoom_en.csv"))},
    )
    return meeting, session, OnlineReport.objects.get()


@pytest.fixture
def other_client():
    mine = hybrid_meeting()
    other = OrganizerFactory.create()
    mine.organizers.add(other)
    browser = Client()
    browser.force_login(other)
    return browser, mine


def test_their_report_is_not_served_through_my_meeting(theirs, other_client):
    _meeting, _session, kept = theirs
    browser, mine = other_client

    for name in ("online_report_file", "online_report"):
        assert (
            browser.get(reverse(f"attendance:{name}", args=[mine.pk, kept.pk])).status_code == 404
        )
    imported = browser.post(
        reverse("attendance:online_report", args=[mine.pk, kept.pk]), {"action": "import"}
    )
    assert imported.status_code == 404
    assert OnlineReport.objects.get().state == OnlineReport.State.DRAFT


def test_a_report_for_their_session_is_refused_through_my_meeting(theirs, other_client):
    _meeting, session, _kept = theirs
    browser, mine = other_client

    response = browser.post(
        reverse("attendance:online_reports", args=[mine.pk, session.pk]),
        {"platform": "zoom", "report": SimpleUploadedFile("z.csv", report("zoom_id.csv"))},
    )

    assert response.status_code == 404
    assert OnlineReport.objects.count() == 1
