"""Every task shares one base (core.tasks.Task): acknowledged when done, and tried again within
seconds, not dropped, when the database cannot be reached (a restart of PostgreSQL)."""

from importlib import import_module
from importlib.util import find_spec

import pytest
from django.apps import apps
from django.db import InterfaceError, OperationalError

from config.celery import app
from core.tasks import Task
from events import services
from events.services import sending
from outbox.models import Kind, OutboxMessage
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.support.found import present


def rakor_tasks() -> list:
    """Every task of the project's apps (importing their task modules, as a worker does)."""
    for config in apps.get_app_configs():
        if find_spec(f"{config.name}.tasks"):
            import_module(f"{config.name}.tasks")
    return [task for name, task in app.tasks.items() if not name.startswith("celery.")]


def test_every_task_is_acknowledged_when_done_and_tried_again_when_the_database_is_away():
    tasks = rakor_tasks()

    assert len(tasks) >= 8
    for task in tasks:
        assert isinstance(task, Task), task.name
        assert task.acks_late, task.name
        assert task.reject_on_worker_lost, task.name
        assert set(task.autoretry_for) >= {OperationalError, InterfaceError}, task.name


def test_the_tries_come_within_seconds_for_about_five_minutes():
    task = app.tasks["outbox.tasks.sweep"]
    waits = []
    assert isinstance(task, Task)
    for retries in range(present(task.max_retries)):
        task.push_request(retries=retries)
        waits.append(task.database_backoff())
        task.pop_request()

    assert waits[:6] == [1, 2, 4, 8, 15, 15]
    assert 240 <= sum(waits) <= 400


@pytest.mark.django_db
def test_a_batch_that_meets_an_unreachable_database_is_written_on_its_next_try(
    monkeypatch, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory.create(sessions=1, capacity=None)
    invitations = InvitationFactory.create_batch(3, meeting=meeting)
    real, calls = sending.issue_answer_links, []

    def restarting(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:  # PostgreSQL restarts while the first try runs
            raise OperationalError("terminating connection due to administrator command")
        return real(**kwargs)

    monkeypatch.setattr(sending, "issue_answer_links", restarting)

    with django_capture_on_commit_callbacks(execute=True):
        services.send_invitations(meeting=meeting, invitations=invitations)

    assert len(calls) == 2
    written = OutboxMessage.objects.filter(kind=Kind.INVITATION, topic=f"meeting:{meeting.pk}")
    assert sorted(written.values_list("recipient", flat=True)) == sorted(
        invitation.member.email for invitation in invitations
    )
