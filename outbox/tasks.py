from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_messages(message_ids: list[int]) -> None:
    report = services.deliver_messages(message_ids=message_ids)
    if report.retry:
        send_messages.apply_async((report.retry,), countdown=report.retry_in)


@shared_task
def requeue_stale_messages() -> int:
    return services.requeue_stale()
