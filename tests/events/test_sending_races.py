"""A change of a meeting while its invitations are being written: nobody ends up with the old
time or place and no update (PostgreSQL, where the two really run at once)."""

import threading

import pytest
from django.db import connection, connections, transaction

from events import services
from events.models import Meeting
from outbox.models import Kind, OutboxMessage
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.support.wait import wait_until_a_statement_waits_for_a_lock

pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite runs one writer at a time, so there is no race",
    ),
]


@pytest.fixture
def invitation(db):  # noqa: ARG001 (requested for its effect)
    meeting = MeetingFactory.create(state=Meeting.State.PUBLISHED, venue="Aula Lama", sessions=1)
    return InvitationFactory.create(meeting=meeting)


def in_thread(work) -> tuple[threading.Thread, list]:
    errors = []

    def run():
        try:
            work()
        except Exception as error:  # reported in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def bodies(kind: str) -> list[str]:
    return [bytes(row.raw).decode() for row in OutboxMessage.objects.filter(kind=kind)]


def test_a_batch_that_meets_a_change_under_way_writes_the_changed_place(invitation):
    meeting = invitation.meeting
    changed, release = threading.Event(), threading.Event()

    def organizer_changes_the_place():
        with transaction.atomic():
            Meeting.objects.select_for_update().get(pk=meeting.pk)  # as update_meeting does
            Meeting.objects.filter(pk=meeting.pk).update(venue="Aula Baru")
            changed.set()
            release.wait(10)

    organizer, organizer_errors = in_thread(organizer_changes_the_place)
    assert changed.wait(10)
    batch, batch_errors = in_thread(
        lambda: services.send_invitation_batch(
            meeting_id=meeting.pk, invitation_ids=[invitation.pk]
        )
    )
    wait_until_a_statement_waits_for_a_lock()
    release.set()
    organizer.join(10)
    batch.join(10)

    assert organizer_errors == batch_errors == []
    [email] = bodies(Kind.INVITATION)
    assert "Aula Baru" in email
    assert "Aula Lama" not in email


def test_a_change_that_meets_a_batch_under_way_sends_its_people_the_update(invitation, monkeypatch):
    meeting = invitation.meeting
    writing, release = threading.Event(), threading.Event()
    from events.services import sending

    build = sending.invitation_messages

    def slow_build(**kwargs):
        writing.set()
        release.wait(10)
        return build(**kwargs)

    monkeypatch.setattr(sending, "invitation_messages", slow_build)
    batch, batch_errors = in_thread(
        lambda: services.send_invitation_batch(
            meeting_id=meeting.pk, invitation_ids=[invitation.pk]
        )
    )
    assert writing.wait(10)

    def organizer_changes_the_place():
        with transaction.atomic():
            locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
            locked.venue = "Aula Baru"
            locked.sequence += 1
            locked.save()
            services.send_meeting_update(meeting=locked, changes=["Tempat: Aula Baru"])

    organizer, organizer_errors = in_thread(organizer_changes_the_place)
    wait_until_a_statement_waits_for_a_lock()
    release.set()
    batch.join(10)
    organizer.join(10)

    assert organizer_errors == batch_errors == []
    [invited] = bodies(Kind.INVITATION)
    [updated] = bodies(Kind.UPDATE)
    assert "Aula Lama" in invited
    assert "Aula Baru" in updated
