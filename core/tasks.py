"""The base of every Rakor task: config/celery.py makes it the Celery app's task class."""

from importlib import import_module

from celery import Task as CeleryTask
from celery import current_app, shared_task

from .db import DATABASE_UNREACHABLE


class Task(CeleryTask):
    """Rakor's tasks take ids and are idempotent, so running one again is always safe. Each is
    acknowledged only once it is done (a worker that dies leaves it to another) and is tried
    again, after 1, 2, 4, 8 and then every 15 seconds for about five minutes, when the
    database cannot be reached; the sweepers (outbox.tasks.sweep) catch whatever is left."""

    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = DATABASE_UNREACHABLE
    retry_backoff = 1
    retry_backoff_max = 15
    retry_jitter = False
    max_retries = 24

    def database_backoff(self) -> int:
        """Seconds before the next try after a database error: what autoretry_for waits."""
        return min(self.retry_backoff * 2**self.request.retries, self.retry_backoff_max)


def task_named(name: str) -> CeleryTask:
    """The task registered as `name`, e.g. "outbox.tasks.send_messages". Services hand work to
    tasks by name, so that no service imports a task module (which imports the services). A
    task is registered when its module is imported, which a web process has not done yet:
    Celery names each task after its module and function, so that module is imported here."""
    if name not in current_app.tasks:
        import_module(name.rpartition(".")[0])
    return current_app.tasks[name]


# --- Background exports (core/services.py) --------------------------------------------------
# Thin wrappers that take ids; the services are imported when run, since they import this
# module for task_named.


@shared_task
def build_export(job_id: int) -> None:
    """Build an export; a repeated run finds it built, or being built, and does nothing."""
    from . import services

    services.build_export(job_id=job_id)


@shared_task
def sweep_exports() -> dict:
    """From beat: exports the broker lost go to Celery again; expired ones are deleted."""
    from . import services

    return services.sweep_exports()
