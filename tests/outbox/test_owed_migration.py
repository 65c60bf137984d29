"""Upgrading loses nothing owed: what the three sweepers this release replaces still owed (an
invitation email asked for and not written, a calendar update since a change, a minutes
distribution not written) becomes owed mail, handed over at the first sweep."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Meeting
from outbox.models import Kind, OutboxMessage, OwedMail
from outbox.tasks import sweep
from outputs.models import Minutes
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.outputs.factories import MinutesFactory
from tests.support.migrations import latest, migrate

BEFORE = [
    ("outbox", "0001_initial"),
    ("events", "0010_invitation_letter"),
    ("outputs", "0006_minutes_records_and_activity_report"),
]


@pytest.mark.django_db(transaction=True)
def test_what_the_old_sweepers_owed_is_owed_mail_after_the_upgrade():
    old_apps = migrate(BEFORE)
    try:
        invited = InvitationFactory.create(meeting=MeetingFactory.create(sessions=1, capacity=None))
        moved = MeetingFactory.create(sessions=1, capacity=None, venue="Hotel Borobudur")
        holder = InvitationFactory.create(meeting=moved, invitation_sent_at=timezone.now())
        minutes = MinutesFactory.create(meeting=MeetingFactory.create(sessions=1))
        since = timezone.now() + timedelta(seconds=1)
        old_apps.get_model("events", "Invitation").objects.filter(pk=invited.pk).update(
            invitation_queued_at=timezone.now() - timedelta(minutes=1)
        )
        old_apps.get_model("events", "PendingCalendarFanout").objects.create(
            meeting_id=moved.pk, kind="update", sequence=1, changes=["Tempat: Hotel"], since=since
        )
        Minutes.objects.filter(pk=minutes.pk).update(
            state=Minutes.State.DISTRIBUTED, version=1, distributed_at=timezone.now()
        )
    finally:
        migrate(latest())

    owed = {row.kind: row for row in OwedMail.objects.all()}
    assert set(owed) == {Kind.INVITATION, Kind.UPDATE, Kind.MINUTES}
    assert owed[Kind.INVITATION].args == [invited.meeting_id, [invited.pk]]
    assert owed[Kind.UPDATE].args == [moved.pk, [holder.pk], ["Tempat: Hotel"], since.isoformat()]
    assert owed[Kind.MINUTES].args == [minutes.pk, 1]
    assert all(row.due_at <= timezone.now() for row in owed.values())

    owed[Kind.MINUTES].delete()  # its PDF would take the renderer: the other two show it
    sweep.apply()

    written = set(OutboxMessage.objects.values_list("kind", "recipient"))
    assert written == {
        (Kind.INVITATION, invited.member.email),
        (Kind.UPDATE, holder.member.email),
    }
    assert Meeting.objects.get(pk=moved.pk).venue == "Hotel Borobudur"
