"""A change or cancellation loses no calendar update: the fan-out it owes is recorded in the
same transaction (outbox owed mail), so a broker that is down at commit, or a process that dies
before handing the batches to Celery, only delays the emails until the beat sweeper hands them
over again."""

import email
from datetime import timedelta
from email import policy

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Invitation, Meeting
from outbox.models import Kind, OutboxMessage
from outbox.tasks import sweep
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.support.found import payload, present
from tests.support.meetings import sessions_as_they_are
from tests.support.owed import owed, sweep_later


@pytest.fixture
def invited(db, django_capture_on_commit_callbacks):  # noqa: ARG001 (requested for its effect)
    """A published meeting whose three invitations went out."""
    # One session: an email per person (a meeting sends one per session).
    meeting = MeetingFactory.create(sessions=1, capacity=None)
    invitations = [InvitationFactory.create(meeting=meeting) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        services.send_invitations(meeting=meeting, invitations=invitations)
    Invitation.objects.filter(meeting=meeting).update(
        invitation_sent_at=timezone.now() - timedelta(days=1)
    )
    return meeting, sorted(i.member.email for i in invitations)


def move_venue(meeting, venue, django_capture_on_commit_callbacks, *, execute=True):
    sessions = sessions_as_they_are(meeting)
    with django_capture_on_commit_callbacks(execute=execute):
        return services.update_meeting(
            meeting=Meeting.objects.get(pk=meeting.pk), data={"venue": venue}, sessions=sessions
        )


def recipients(kind) -> list[str]:
    return sorted(OutboxMessage.objects.filter(kind=kind).values_list("recipient", flat=True))


def sequence_of(row: OutboxMessage) -> int:
    message = email.message_from_bytes(bytes(row.raw), policy=policy.default)
    [calendar] = {payload(p) for p in message.walk() if p.get_content_type() == "text/calendar"}
    [event] = icalendar.Calendar.from_ical(calendar).events
    return event.sequence


def test_with_the_broker_down_the_change_is_saved_and_the_update_goes_out_on_the_sweep(
    invited, broker_down, django_capture_on_commit_callbacks
):
    meeting, people = invited

    change = move_venue(meeting, "Hotel Borobudur", django_capture_on_commit_callbacks)
    broker_down.undo()

    meeting.refresh_from_db()
    assert change.sequence_bumped
    assert (meeting.venue, meeting.sequence) == ("Hotel Borobudur", 1)
    assert recipients(Kind.UPDATE) == []
    [update] = owed(topic=f"meeting:{meeting.pk}")
    assert (update.kind, update.count) == (Kind.UPDATE, 3)
    assert any("Hotel Borobudur" in line for line in update.args[2])

    sweep.apply()

    assert recipients(Kind.UPDATE) == people
    assert owed() == []

    sweep_later()  # a second sweep writes nothing more

    assert recipients(Kind.UPDATE) == people


def test_the_organizers_request_succeeds_with_the_broker_down(
    invited, broker_down, organizer, organizer_client, django_capture_on_commit_callbacks
):
    meeting, people = invited
    meeting.organizers.add(organizer)

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(reverse("events:meeting_cancel", args=[meeting.pk]))
    broker_down.undo()

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.CANCELLED
    assert [row.kind for row in owed(topic=f"meeting:{meeting.pk}")] == [Kind.CANCELLATION]

    sweep.apply()
    sweep_later()

    assert recipients(Kind.CANCELLATION) == people
    assert owed() == []


def test_a_process_that_dies_after_the_commit_loses_no_update(
    invited, django_capture_on_commit_callbacks
):
    meeting, people = invited

    move_venue(meeting, "Hotel Borobudur", django_capture_on_commit_callbacks, execute=False)
    sweep.apply()  # too early: the batches may still be on their way

    assert recipients(Kind.UPDATE) == []
    assert owed() != []

    sweep_later()

    assert recipients(Kind.UPDATE) == people
    assert owed() == []


def test_a_delivered_update_is_settled_at_once_and_sent_once(
    invited, django_capture_on_commit_callbacks
):
    meeting, people = invited

    move_venue(meeting, "Hotel Borobudur", django_capture_on_commit_callbacks)
    assert recipients(Kind.UPDATE) == people

    assert owed() == []
    sweep_later()
    assert recipients(Kind.UPDATE) == people


def test_only_the_newest_change_is_owed_and_everyone_gets_its_sequence(
    invited, broker_down, django_capture_on_commit_callbacks
):
    meeting, people = invited

    move_venue(meeting, "Hotel Borobudur", django_capture_on_commit_callbacks)
    move_venue(meeting, "Hotel Indonesia", django_capture_on_commit_callbacks)
    broker_down.undo()

    [update] = owed(topic=f"meeting:{meeting.pk}")
    assert any("Hotel Indonesia" in line for line in update.args[2])

    sweep.apply()

    rows = OutboxMessage.objects.filter(kind=Kind.UPDATE)
    assert sorted(row.recipient for row in rows) == people
    assert {sequence_of(row) for row in rows} == {2}


def test_someone_withdrawn_or_invited_after_the_change_is_not_owed_an_update(
    invited, broker_down, django_capture_on_commit_callbacks
):
    meeting, people = invited
    withdrawn = present(Invitation.objects.filter(meeting=meeting).order_by("pk").first())

    move_venue(meeting, "Hotel Borobudur", django_capture_on_commit_callbacks)
    broker_down.undo()
    services.withdraw_invitation(invitation=withdrawn, withdrawn_by=None)
    InvitationFactory.create(meeting=meeting, invitation_sent_at=timezone.now())

    sweep.apply()

    assert recipients(Kind.UPDATE) == [p for p in people if p != withdrawn.member.email]
    assert owed() == []


@pytest.mark.parametrize("extra", [0, 40])
def test_the_change_request_takes_the_same_queries_at_3_and_43_holders(
    invited, extra, django_assert_num_queries, django_capture_on_commit_callbacks
):
    meeting, _people = invited
    InvitationFactory.create_batch(extra, meeting=meeting, invitation_sent_at=timezone.now())

    # The change, its holders, and the owed fan-out: what an older change owed goes, this one's
    # batches are written in one query whatever their number. One of them asks
    # whether the meeting's surat undangan is final (its ralat goes along).
    with django_assert_num_queries(15):
        move_venue(meeting, "Hotel Borobudur", django_capture_on_commit_callbacks, execute=False)
