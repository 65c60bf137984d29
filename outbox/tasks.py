"""Celery tasks of the outbox: thin wrappers that take ids and call a service."""

from collections import defaultdict

from celery import shared_task

from . import services


@shared_task(bind=True)
def send_messages(
    self, message_ids: list[int], sent: list[int] | None = None, claim: str | None = None
) -> None:
    """Send what is still due among `message_ids`; try the temporary failures again later, each
    after its own backoff. Running it twice, or twice at once, sends nothing twice. When the
    database goes away in the middle, the next try takes over the marks and the claim left
    (services.DeliveryInterrupted), so no message that went out is sent again."""
    try:
        report = services.deliver_messages(message_ids=message_ids, sent=sent, claim=claim)
    except services.DeliveryInterrupted as interrupted:
        raise self.retry(
            args=(message_ids,),
            kwargs={"sent": interrupted.sent, "claim": interrupted.claim},
            exc=interrupted,
            countdown=self.database_backoff(),
        ) from interrupted
    by_delay: dict[float, list[int]] = defaultdict(list)
    for message_id, delay in report.retry_after.items():
        by_delay[delay].append(message_id)
    for delay, ids in sorted(by_delay.items()):
        services.hand_over(sorted(ids), countdown=delay)


@shared_task
def sweep() -> int:
    """From beat, every minute: hand the broker again whatever is owed and due, mail still to
    write and messages still to send (see services.sweep)."""
    return services.sweep()
