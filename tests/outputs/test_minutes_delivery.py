"""Distributing the minutes is a quick request that loses no email: it marks the minutes
distributed and their distribution owed in one transaction, and a Celery task makes the PDF and
writes the emails to the outbox after commit. A broker that is down, or a process that dies
between the commit and handing the task over, only delays the emails until beat's sweeper hands
the distribution over again; however often it runs, each email is written once."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

import outputs.exports
from members.models import Member
from outbox.models import Kind, OutboxMessage
from outbox.tasks import sweep
from outputs import services
from outputs.models import Minutes
from outputs.tasks import write_minutes_distribution
from records.models import FrozenDocument
from tests.events.factories import InvitationFactory
from tests.members.factories import MemberFactory
from tests.outputs.minutes_world import approve, attachments
from tests.support.migrations import latest, migrate
from tests.support.owed import owed, sweep_later


@pytest.fixture
def approved(world, minutes):
    InvitationFactory.create_batch(3, meeting=world.meeting)
    InvitationFactory.create(meeting=world.meeting, member=MemberFactory.create(language="en"))
    return approve(minutes, world)


@pytest.fixture
def recipients(world, approved) -> list[str]:  # noqa: ARG001 (requested for its effect)
    ids = services.distribution_member_ids(meeting=world.meeting)
    return sorted(Member.objects.filter(pk__in=ids).values_list("email", flat=True))


@pytest.fixture
def pdfs_made(monkeypatch) -> list[str]:
    """The real renderer, counting the languages it is asked for."""
    made, real = [], outputs.exports.minutes_pdf

    def counted(*, minutes, language):
        made.append(language)
        return real(minutes=minutes, language=language)

    monkeypatch.setattr(outputs.exports, "minutes_pdf", counted)
    return made


def minutes_rows() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=Kind.MINUTES).order_by("recipient"))


def distribute(world, minutes, capture, *, execute=True) -> int:
    with capture(execute=execute):
        return services.distribute_minutes(minutes=minutes, by=world.organizer)


@pytest.mark.usefixtures("recipients")
def test_the_request_marks_the_minutes_distributed_and_leaves_the_pdf_and_emails_to_celery(
    client, world, approved, pdfs_made, django_capture_on_commit_callbacks
):
    client.force_login(world.organizer)
    url = reverse("outputs:minutes_distribute", args=[world.meeting.pk])

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with django_capture_on_commit_callbacks(execute=False) as handed_over:
        response = client.post(url)
    page = client.get(response["Location"]).text

    assert response.status_code == 302
    assert "The minutes are being sent to 6 people, with the PDF attached." in page
    assert pdfs_made == []
    assert minutes_rows() == []
    assert len(handed_over) == 1
    approved.refresh_from_db()
    assert approved.state == Minutes.State.DISTRIBUTED
    assert approved.distribution_written_at is None
    [distribution] = owed(kind=Kind.MINUTES)
    assert distribution.count == 6


def test_the_task_writes_one_email_per_recipient_with_the_pdf_once_even_when_run_twice(
    world, approved, recipients, pdfs_made, django_capture_on_commit_callbacks
):
    distribute(world, approved, django_capture_on_commit_callbacks, execute=False)

    first = write_minutes_distribution.apply((approved.pk, approved.version)).get()
    second = write_minutes_distribution.apply((approved.pk, approved.version)).get()

    assert (first, second) == (6, 0)
    assert [row.recipient for row in minutes_rows()] == recipients
    assert all(len(attachments(row)) == 1 for row in minutes_rows())
    # Approved minutes are a record: every email carries the bytes frozen at approval.
    assert pdfs_made == [], "the frozen notulen is attached, never made again"
    frozen = FrozenDocument.objects.get(kind=FrozenDocument.Kind.NOTULEN)
    assert all(
        [part.get_content() for part in attachments(row)] == [frozen.pdf_bytes()]
        for row in minutes_rows()
    )
    approved.refresh_from_db()
    assert approved.distribution_written_at is not None


def test_with_the_broker_down_the_request_succeeds_and_the_sweeper_writes_the_emails_once(
    world, approved, recipients, broker_down, django_capture_on_commit_callbacks
):
    count = distribute(world, approved, django_capture_on_commit_callbacks)
    broker_down.undo()  # the broker is back

    assert count == len(recipients) == 6
    assert minutes_rows() == []

    assert sweep.apply().get() == 1  # the broker refused it: handed over at the next sweep
    sweep_later()

    assert [row.recipient for row in minutes_rows()] == recipients
    assert owed() == []


def test_a_process_that_dies_after_the_commit_loses_no_email(
    world, approved, recipients, django_capture_on_commit_callbacks
):
    distribute(world, approved, django_capture_on_commit_callbacks, execute=False)

    assert sweep.apply().get() == 0, "too early: the task may be on its way"
    assert sweep_later() == 1
    write_minutes_distribution.apply((approved.pk, approved.version))  # the late original

    assert [row.recipient for row in minutes_rows()] == recipients


def test_a_distribution_corrected_before_it_was_written_is_not_written(
    world, approved, django_capture_on_commit_callbacks
):
    distribute(world, approved, django_capture_on_commit_callbacks, execute=False)
    services.start_correction(minutes=approved, by=world.organizer)

    assert write_minutes_distribution.apply((approved.pk, approved.version)).get() == 0
    sweep_later()
    assert minutes_rows() == []
    assert owed() == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("world")
def test_minutes_distributed_before_the_migration_are_not_sent_again(approved):
    old_apps = migrate([("outputs", "0004_remove_action_progress_secret_hash")])
    try:
        distributed_at = timezone.now() - timedelta(days=30)
        old_apps.get_model("outputs", "Minutes").objects.filter(pk=approved.pk).update(
            state=Minutes.State.DISTRIBUTED, distributed_at=distributed_at
        )
    finally:
        migrate(latest())

    approved.refresh_from_db()
    assert approved.distribution_written_at == distributed_at
    assert sweep_later() == 0
    assert minutes_rows() == []
