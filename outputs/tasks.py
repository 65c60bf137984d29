"""Celery tasks of outputs: thin wrappers that take ids and call a service."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_action_reminders() -> int:
    """From beat: write the follow-up action reminders owed today; a second run, or a run after
    a worker restart, writes nothing twice (see services.send_action_reminders)."""
    return services.send_action_reminders()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def write_minutes_distribution(minutes_id: int, version: int) -> int:
    """Make the approved minutes' PDFs and write their distribution emails to the outbox; a
    repeated run writes nothing twice (see services.write_distribution)."""
    return services.write_distribution(minutes_id=minutes_id, version=version)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def sweep_owed_distributions() -> int:
    """From beat: hand Celery again the minutes distributions still owed (a lost broker, a PDF
    that could not be made); see services.sweep_owed_distributions."""
    return services.sweep_owed_distributions()
