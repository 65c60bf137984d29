"""Mail owed but not yet written to the outbox, and the one sweeper for everything owed.

A change that owes mail which a Celery task builds later (invitations, calendar updates and
cancellations, a minutes distribution) calls `owe` in its own transaction: an OwedMail row per
task, handed to Celery after commit under the row's task id, and deleted by the task once it
succeeds (OwedMailTask). So a broker that is down at commit, a worker killed in the middle,
a task that gave up while the database was away: none loses mail. The sweeper (beat, every
minute, `sweep`) hands over again every row that is due: at once when handing over failed,
else OWED_GRACE after it was handed over, then after twice as long each time (at most an
hour), so a long queue is not filled with copies of the work still waiting in it. A task
handed over twice writes its mail once: each checks what is already written.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.tasks import Task, task_named

from ..models import OwedMail
from .queue import requeue_stale

log = logging.getLogger(__name__)

# How many owed tasks one sweep hands over at most (the next sweep takes the rest).
SWEEP_LIMIT = 2000
LONGEST_WAIT = timedelta(hours=1)


@dataclass(frozen=True)
class Work:
    """One task that writes up to `count` emails: its Celery name and arguments (JSON)."""

    task: str
    args: list
    count: int


def owe(*, kind: str, topic: str, work: Iterable[Work]) -> list[OwedMail]:
    """Record, in the caller's transaction, that `work` owes mail of `kind` about `topic`
    (e.g. "meeting:12"), and hand it to Celery after commit."""
    now = timezone.now()
    rows = OwedMail.objects.bulk_create(
        [
            OwedMail(
                task=item.task,
                args=item.args,
                count=item.count,
                kind=kind,
                topic=topic,
                owed_since=now,
                due_at=now + settings.OWED_GRACE,
            )
            for item in work
        ]
    )
    # robust: a broker that is down must not fail the committed change; see _hand_over.
    transaction.on_commit(lambda: _hand_over(rows), robust=True)
    return rows


def forget(*, topic: str, kinds: Sequence[str]) -> int:
    """Drop what is still owed of `kinds` about `topic`: newer mail makes it moot (a newer
    change of a meeting tells everyone the meeting as it is now)."""
    deleted, _ = OwedMail.objects.filter(topic=topic, kind__in=kinds).delete()
    return deleted


def sweep() -> int:
    """Hand Celery again every owed task that is due, and the outbox messages the broker lost
    (outbox.services.requeue_stale). Safe to run twice. Returns how many tasks and messages it
    handed over."""
    now = timezone.now()
    due = list(OwedMail.objects.filter(due_at__lte=now).order_by("due_at", "pk")[:SWEEP_LIMIT])
    for row in due:
        row.handovers += 1
        row.due_at = now + min(settings.OWED_GRACE * 2**row.handovers, LONGEST_WAIT)
    # Before handing over: a task that runs at once (eagerly) deletes its row.
    OwedMail.objects.bulk_update(due, ["handovers", "due_at"])
    if due:
        log.warning("Handing over again %d tasks that owe mail", len(due))
        _hand_over(due)
    return len(due) + requeue_stale()


def _hand_over(rows: Sequence[OwedMail]) -> None:
    """Hand each row's task to Celery under the row's task id. When the broker refuses, the
    error is logged with its cause and the rows not handed over are due at the next sweep."""
    for position, row in enumerate(rows):
        try:
            task_named(row.task).apply_async(row.args, task_id=str(row.task_id))
        except Exception as error:
            log.error(
                "Could not hand %d tasks that owe mail to Celery. %s: %s",
                len(rows) - position,
                type(error).__name__,
                error,
            )
            later = [row.task_id for row in rows[position:]]
            OwedMail.objects.filter(task_id__in=later).update(due_at=timezone.now())
            return


class OwedMailTask(Task):
    """A task that writes owed mail: once it succeeds, its OwedMail row (by task id) goes. A
    task that fails keeps the row, and the sweeper hands it over again."""

    def on_success(self, retval, task_id, args, kwargs):  # noqa: ARG002 (Celery's hook)
        OwedMail.objects.filter(task_id=task_id).delete()
