from collections import defaultdict

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_messages(message_ids: list[int]) -> None:
    """Send what is still due among `message_ids`; try the temporary failures again later, each
    after its own backoff. Running it twice, or twice at once, sends nothing twice."""
    report = services.deliver_messages(message_ids=message_ids)
    by_delay: dict[float, list[int]] = defaultdict(list)
    for message_id, delay in report.retry_after.items():
        by_delay[delay].append(message_id)
    for delay, ids in sorted(by_delay.items()):
        send_messages.apply_async((sorted(ids),), countdown=delay)


@shared_task
def requeue_stale_messages() -> int:
    """From beat: hand the broker again the messages it lost (see services.requeue_stale)."""
    return services.requeue_stale()
