"""Celery tasks of outputs: thin wrappers that take ids and call a service."""

from celery import shared_task

from outbox.services import OwedMailTask

from . import services


@shared_task
def send_action_reminders() -> int:
    """From beat: write the follow-up action reminders owed today; a second run, or a run after
    a worker restart, writes nothing twice (see services.send_action_reminders)."""
    return services.send_action_reminders()


@shared_task(base=OwedMailTask)
def write_minutes_distribution(minutes_id: int, version: int) -> int:
    """Make the approved minutes' PDFs and write their distribution emails to the outbox; a
    repeated run writes nothing twice (see services.write_distribution). A PDF that cannot be
    made fails the task, and the sweeper tries again later."""
    return services.write_distribution(minutes_id=minutes_id, version=version)
