"""Celery tasks of records: thin wrappers that take ids and call a service."""

from celery import shared_task

from . import services


@shared_task
def build_bundle(bundle_id: int) -> None:
    """Build an SPJ bundle; a repeated run finds it built, or being built, and does nothing."""
    services.build_bundle(bundle_id=bundle_id)


@shared_task
def sweep_bundles() -> dict:
    """From beat: bundles the broker lost go to Celery again; expired ones are deleted."""
    return services.sweep_bundles()
