"""Celery tasks of events: thin wrappers that take ids and call a service."""

from celery import shared_task

from outbox.services import OwedMailTask

from . import services


@shared_task(base=OwedMailTask)
def send_invitations_batch(meeting_id: int, invitation_ids: list[int]) -> int:
    """Write one batch of invitation emails to the outbox; a repeated run writes nothing twice
    (services.send_invitation_batch skips invitations already sent)."""
    return services.send_invitation_batch(meeting_id=meeting_id, invitation_ids=invitation_ids)


@shared_task(base=OwedMailTask)
def send_update_batch(
    meeting_id: int, invitation_ids: list[int], changes: list[str], since: str
) -> int:
    """Write one batch of update emails (changed time or place) to the outbox; a repeated run
    writes nothing twice (see services.send_update_batch)."""
    return services.send_update_batch(
        meeting_id=meeting_id, invitation_ids=invitation_ids, changes=changes, since=since
    )


@shared_task(base=OwedMailTask)
def send_cancellation_batch(meeting_id: int, invitation_ids: list[int], since: str) -> int:
    """Write one batch of cancellation emails to the outbox; a repeated run writes nothing
    twice (see services.send_cancellation_batch)."""
    return services.send_cancellation_batch(
        meeting_id=meeting_id, invitation_ids=invitation_ids, since=since
    )


@shared_task
def fetch_calendar_replies() -> dict[str, int]:
    """Read the organizer mailbox's unseen calendar replies (beat, every two minutes). Runs
    that overlap ingest nothing twice: a reply is recorded once per Message-ID."""
    return dict(services.fetch_replies_from_imap())


@shared_task
def send_due_reminders() -> int:
    """From beat: write the reminders that are due now; a second run, or a run after a
    worker restart, writes nothing twice (see services.send_due_reminders)."""
    return services.send_due_reminders()


@shared_task
def expire_seat_offers() -> int:
    """From beat: close the seat offers past their deadline and hand each meeting that owes
    offers to offer_free_seats (two queries whatever the data; see
    services.expire_seat_offers)."""
    meetings = services.expire_seat_offers()
    for meeting_id in meetings:
        offer_free_seats.delay(meeting_id)
    return len(meetings)


@shared_task
def offer_free_seats(meeting_id: int) -> int:
    """Offer a meeting's free seats to the next people waiting; a second run offers nothing
    twice (each person is offered once, and an open offer holds its seat)."""
    return len(services.offer_free_seats(meeting_id=meeting_id))
