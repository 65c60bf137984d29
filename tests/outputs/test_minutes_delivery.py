"""Distributing the minutes loses no email: the emails are outbox rows written in the same
transaction that marks the minutes distributed, so a broker that is down, or a process that dies
between the commit and handing them to Celery, only delays them until the outbox sweeper runs."""

from datetime import timedelta

import pytest
from celery.app.task import Task
from django.conf import settings
from django.utils import timezone
from kombu.exceptions import OperationalError

import outputs.exports
from members.models import Member
from outbox.models import Kind, OutboxMessage, State
from outbox.tasks import requeue_stale_messages
from outputs import services
from outputs.models import Minutes
from outputs.tasks import send_minutes_batch
from tests.events.factories import InvitationFactory
from tests.members.factories import MemberFactory
from tests.outputs.test_minutes import approve, attachments


@pytest.fixture
def approved(world, minutes):
    InvitationFactory.create_batch(3, meeting=world.meeting)
    InvitationFactory(meeting=world.meeting, member=MemberFactory(language="en"))
    return approve(minutes, world)


@pytest.fixture
def recipients(world, approved) -> list[str]:
    ids = services.distribution_member_ids(meeting=world.meeting)
    return sorted(Member.objects.filter(pk__in=ids).values_list("email", flat=True))


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr(Task, "apply_async", refuse)
    return monkeypatch


def minutes_rows() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=Kind.MINUTES).order_by("recipient"))


def sweep_later() -> None:
    """Beat runs the outbox sweeper once OUTBOX_STALE_AFTER has passed."""
    later = timezone.now() - settings.OUTBOX_STALE_AFTER - timedelta(minutes=1)
    OutboxMessage.objects.update(next_attempt_at=later)
    requeue_stale_messages.apply()


def test_with_the_broker_down_every_email_waits_in_the_outbox_and_goes_out_on_the_sweep(
    world, approved, recipients, broker_down, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        count = services.distribute_minutes(minutes=approved, by=world.organizer)
    broker_down.undo()  # the broker is back

    approved.refresh_from_db()
    assert approved.state == Minutes.State.DISTRIBUTED
    assert count == len(recipients) == 6
    assert [row.recipient for row in minutes_rows()] == recipients
    assert {row.state for row in minutes_rows()} == {State.QUEUED}
    assert mailoutbox == []

    sweep_later()

    assert sorted(message.to[0] for message in mailoutbox) == recipients
    assert {row.state for row in minutes_rows()} == {State.SENT}
    assert all(len(attachments(row)) == 1 for row in minutes_rows())


def test_a_process_that_dies_after_the_commit_loses_no_email(
    world, approved, recipients, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # the kick never runs
        services.distribute_minutes(minutes=approved, by=world.organizer)

    assert [row.recipient for row in minutes_rows()] == recipients

    sweep_later()
    sweep_later()  # a second sweep sends nothing twice

    assert sorted(message.to[0] for message in mailoutbox) == recipients


def test_a_pdf_that_cannot_be_made_leaves_the_minutes_approved_and_nothing_queued(
    world, approved, recipients, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    real_pdf = outputs.exports.minutes_pdf

    def broken(**kwargs):
        raise OSError("font missing")

    monkeypatch.setattr(outputs.exports, "minutes_pdf", broken)
    with (
        pytest.raises(services.MinutesPdfFailed),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.distribute_minutes(minutes=approved, by=world.organizer)

    approved.refresh_from_db()
    assert approved.state == Minutes.State.APPROVED and approved.distributed_at is None
    assert minutes_rows() == []

    monkeypatch.setattr(outputs.exports, "minutes_pdf", real_pdf)
    with django_capture_on_commit_callbacks(execute=True):
        services.distribute_minutes(minutes=approved, by=world.organizer)

    assert sorted(message.to[0] for message in mailoutbox) == recipients


def test_a_batch_queued_by_the_previous_release_writes_nothing_twice(
    world, approved, recipients, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.distribute_minutes(minutes=approved, by=world.organizer)
    ids = services.distribution_member_ids(meeting=world.meeting)

    assert send_minutes_batch.apply((approved.pk, approved.version, ids)).get() == 0

    assert [row.recipient for row in minutes_rows()] == recipients
