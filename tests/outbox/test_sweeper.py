"""The sweeper (outbox.services.requeue_stale, run by beat): what it hands to the broker again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from outbox import services
from outbox.models import OutboxMessage, State
from tests.outbox.factories import OutboxMessageFactory


@pytest.fixture
def handed_over(monkeypatch):
    batches: list[list[int]] = []
    monkeypatch.setattr(services, "_enqueue", batches.append)
    return batches


def test_the_sweeper_hands_over_what_the_broker_lost_once(db, settings, handed_over):
    settings.OUTBOX_STALE_AFTER = timedelta(minutes=5)
    long_ago = timezone.now() - timedelta(minutes=10)
    lost = OutboxMessageFactory(state=State.QUEUED, next_attempt_at=long_ago)
    dead_worker = OutboxMessageFactory(state=State.SENDING, claimed_at=long_ago, attempts=1)
    OutboxMessageFactory(state=State.QUEUED, next_attempt_at=timezone.now())  # just queued
    OutboxMessageFactory(state=State.SENDING, claimed_at=timezone.now())  # being sent now
    OutboxMessageFactory(state=State.SENT, claimed_at=long_ago)

    assert services.requeue_stale() == 2
    assert handed_over == [[lost.pk, dead_worker.pk]]

    # The next sweep, a minute later, leaves the lost message alone while it waits in the
    # broker; the dead worker's message stays due until a worker claims it.
    services.requeue_stale()
    assert handed_over[-1] == [dead_worker.pk]


def test_a_message_whose_worker_died_on_its_last_attempt_fails(db, settings, handed_over):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    long_ago = timezone.now() - settings.OUTBOX_STALE_AFTER - timedelta(minutes=1)
    row = OutboxMessageFactory(state=State.SENDING, claimed_at=long_ago, attempts=3)

    services.requeue_stale()

    row.refresh_from_db()
    assert row.state == State.FAILED
    assert "may have arrived" in row.last_error
    assert handed_over == [[]]


def test_a_message_claimed_by_another_worker_is_left_to_it(db, handed_over):
    row = OutboxMessageFactory(state=State.SENDING, claimed_at=timezone.now(), attempts=1)

    report = services.deliver_messages(message_ids=[row.pk])

    assert report.skipped == [row.pk]
    assert OutboxMessage.objects.get(pk=row.pk).attempts == 1
