"""Celery tasks of outputs: thin wrappers that take ids and call a service."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_action_reminders() -> int:
    """From beat: write the follow-up action reminders owed today; a second run, or a run after
    a worker restart, writes nothing twice (see services.send_action_reminders)."""
    return services.send_action_reminders()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_minutes_batch(minutes_id: int, version: int, member_ids: list[int]) -> int:
    """Write one batch of the approved minutes' emails (PDF attached) to the outbox; a repeated
    run writes nothing twice (see services.send_minutes_batch)."""
    return services.send_minutes_batch(
        minutes_id=minutes_id, version=version, member_ids=member_ids
    )
