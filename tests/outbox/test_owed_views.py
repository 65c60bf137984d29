"""Mail owed but not yet written (the broker is down, a worker is behind) is visible beside the
delivery counters, with how many emails and since when, to the organizers of its meeting."""

import pytest
from django.urls import reverse

from core.dates import format_moment
from events import services as events
from outbox.tasks import sweep
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import OrganizerFactory

OUTBOX = reverse("outbox:list")


@pytest.fixture
def meeting(organizer):
    meeting = MeetingFactory.create(sessions=1, capacity=None)
    meeting.organizers.add(organizer)
    return meeting


@pytest.fixture
def owed_while_the_broker_is_down(meeting, broker_down, django_capture_on_commit_callbacks):
    """Three invitations of the organizer's meeting and two of another's, sent while the
    broker is down: nothing is written yet."""
    theirs = MeetingFactory.create(sessions=1, capacity=None)
    theirs.organizers.add(OrganizerFactory.create())
    with django_capture_on_commit_callbacks(execute=True):
        events.send_invitations(
            meeting=meeting, invitations=InvitationFactory.create_batch(3, meeting=meeting)
        )
        events.send_invitations(
            meeting=theirs, invitations=InvitationFactory.create_batch(2, meeting=theirs)
        )
    return broker_down


@pytest.mark.usefixtures("owed_while_the_broker_is_down", "english")
def test_the_outbox_shows_the_invitations_owed_and_since_when(organizer_client):
    page = organizer_client.get(OUTBOX)

    [owed] = page.context["owed"]
    assert (owed.kind, owed.count) == ("invitation", 3), "their meeting's two are not shown"
    assert f"Invitation: 3, owed since {format_moment(owed.since)}" in page.text
    assert "Owed, not written to the outbox yet" in page.text


def test_the_meeting_page_counts_what_is_owed_and_keeps_polling_until_it_is_written(
    organizer_client, meeting, owed_while_the_broker_is_down, django_capture_on_commit_callbacks
):
    url = reverse("events:meeting_delivery", args=[meeting.pk])

    owed = organizer_client.get(url)

    assert "Undangan: 3, tertunda sejak" in owed.text
    assert 'hx-trigger="every 3s"' in owed.text

    owed_while_the_broker_is_down.undo()  # the broker is back; beat's sweeper runs
    with django_capture_on_commit_callbacks(execute=True):
        sweep.apply()
    written = organizer_client.get(url, HTTP_ACCEPT_LANGUAGE="id")

    assert "tertunda sejak" not in written.text
    assert [count for state, _label, count in written.context["delivery"] if state == "sent"] == [3]


@pytest.mark.usefixtures("owed_while_the_broker_is_down")
def test_the_meeting_page_says_since_when_in_the_meeting_zone(organizer_client, meeting):
    meeting.time_zone = "Asia/Makassar"
    meeting.save(update_fields=["time_zone"])

    page = organizer_client.get(reverse("events:meeting_delivery", args=[meeting.pk]))

    [owed] = page.context["owed"]
    assert f"tertunda sejak {format_moment(owed.since, 'Asia/Makassar')}" in page.text
    assert "WITA" in format_moment(owed.since, "Asia/Makassar")
