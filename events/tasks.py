"""Celery tasks of events: thin wrappers that take ids and call a service."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_invitations_batch(meeting_id: int, invitation_ids: list[int]) -> int:
    """Write one batch of invitation emails to the outbox; a repeated run writes nothing twice
    (services.send_invitation_batch skips invitations already sent)."""
    return services.send_invitation_batch(meeting_id=meeting_id, invitation_ids=invitation_ids)
