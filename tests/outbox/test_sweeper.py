"""The sweeper (outbox.tasks.sweep, run by beat every minute): what it hands to the broker again,
messages to send and mail still to write, and when."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from outbox import services
from outbox.models import OutboxMessage, OwedMail, State
from outbox.tasks import sweep
from tests.outbox.factories import OutboxMessageFactory
from tests.support.found import present


@pytest.mark.usefixtures("db")
def test_the_sweeper_hands_over_what_the_broker_lost_once(broker_that_loses):
    long_ago = timezone.now() - timedelta(minutes=10)
    lost = OutboxMessageFactory.create(state=State.QUEUED, next_attempt_at=long_ago)
    dead_worker = OutboxMessageFactory.create(state=State.SENDING, claimed_at=long_ago, attempts=1)
    never_handed = OutboxMessageFactory.create(state=State.QUEUED, next_attempt_at=None)
    OutboxMessageFactory.create(state=State.QUEUED, next_attempt_at=timezone.now())  # just queued
    OutboxMessageFactory.create(state=State.SENDING, claimed_at=timezone.now())  # being sent now
    OutboxMessageFactory.create(state=State.SENT, claimed_at=long_ago)

    assert services.requeue_stale() == 3
    assert broker_that_loses == [([lost.pk, dead_worker.pk, never_handed.pk],)]

    # The next sweep, a minute later, leaves the lost messages alone while they wait in the
    # broker; the dead worker's message stays due until a worker claims it.
    services.requeue_stale()
    assert broker_that_loses[-1] == ([dead_worker.pk],)


@pytest.mark.usefixtures("db")
def test_a_queued_message_is_taken_for_lost_after_the_owed_grace(broker_that_loses):
    grace = settings.OWED_GRACE
    waiting = OutboxMessageFactory.create(
        next_attempt_at=timezone.now() - grace + timedelta(seconds=5)
    )
    lost = OutboxMessageFactory.create(
        next_attempt_at=timezone.now() - grace - timedelta(seconds=5)
    )

    services.requeue_stale()

    assert broker_that_loses == [([lost.pk],)]
    assert (
        present(OutboxMessage.objects.get(pk=waiting.pk).next_attempt_at)
        < timezone.now() - grace / 2
    )


@pytest.mark.usefixtures("db")
def test_a_message_whose_worker_died_on_its_last_attempt_fails(settings, broker_that_loses):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    long_ago = timezone.now() - settings.OUTBOX_STALE_AFTER - timedelta(minutes=1)
    row = OutboxMessageFactory.create(state=State.SENDING, claimed_at=long_ago, attempts=3)

    services.requeue_stale()

    row.refresh_from_db()
    assert row.state == State.FAILED
    assert "may have arrived" in row.last_error
    assert broker_that_loses == []


@pytest.mark.usefixtures("db")
def test_a_message_claimed_by_another_worker_is_left_to_it():
    row = OutboxMessageFactory.create(state=State.SENDING, claimed_at=timezone.now(), attempts=1)

    report = services.deliver_messages(message_ids=[row.pk])

    assert report.skipped == [row.pk]
    assert OutboxMessage.objects.get(pk=row.pk).attempts == 1


@pytest.fixture
def owed_mail(db):  # noqa: ARG001 (requested for its effect)
    """An invitation batch owed since now, handed over at commit (the broker lost it)."""
    [row] = services.owe(
        kind=services.Kind.INVITATION,
        topic="meeting:12",
        work=[
            services.Work(task="events.tasks.send_invitations_batch", args=[12, [1, 2]], count=2)
        ],
    )
    return row


@pytest.mark.usefixtures("owed_mail")
def test_owed_mail_is_handed_over_again_after_the_grace_then_after_twice_as_long(
    broker_that_loses, time_machine
):
    grace = settings.OWED_GRACE
    time_machine.move_to(timezone.now() + grace - timedelta(seconds=5), tick=False)
    sweep.apply()
    time_machine.move_to(timezone.now() + timedelta(seconds=10), tick=False)
    sweep.apply()
    time_machine.move_to(timezone.now() + grace, tick=False)
    sweep.apply()  # too early: the second wait is twice as long
    time_machine.move_to(timezone.now() + grace + timedelta(seconds=10), tick=False)
    sweep.apply()

    assert broker_that_loses == [[12, [1, 2]]] * 2
    assert OwedMail.objects.get().handovers == 2


@pytest.mark.usefixtures("db")
def test_owed_mail_the_broker_refused_is_handed_over_at_the_next_sweep(
    broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.owe(
            kind=services.Kind.INVITATION,
            topic="meeting:12",
            work=[
                services.Work(task="events.tasks.send_invitations_batch", args=[12, [1]], count=1)
            ],
        )
    broker_down.undo()
    assert OwedMail.objects.get().due_at <= timezone.now()

    sweep.apply()  # at once, not after a grace: the task runs (and finds nothing to write)

    assert not OwedMail.objects.exists()


def test_beat_sweeps_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-owed-mail"]

    assert entry["task"] == sweep.name
    assert entry["schedule"] == timedelta(minutes=1)
