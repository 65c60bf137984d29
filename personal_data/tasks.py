"""Celery tasks of personal data: thin wrappers that call a service."""

from celery import shared_task

from .services import retention


@shared_task
def purge() -> dict[str, int]:
    """From beat: delete or pseudonymise what is past its retention, and log it. A second run
    finds nothing more to do."""
    return {entry.data_class: entry.count for entry in retention.purge()}
