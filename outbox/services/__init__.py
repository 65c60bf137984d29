"""The outbox: every email is written as a row first and sent by a Celery task after commit.

queue.py: writing messages and handing them to Celery, resending, handing over again what the
broker lost; delivery.py: sending them (claim, mail backend, mark), idempotent and safe when a
worker or the database goes away; owed.py: mail that a task still has to write (invitations,
calendar updates, minutes) and the one sweeper, from beat, for everything owed.
"""

from ..models import Kind, State
from .delivery import DeliveryInterrupted, DeliveryReport, StoredEmail, deliver_messages
from .owed import OwedMailTask, Work, forget, owe, sweep
from .queue import (
    hand_over,
    queue_message,
    queue_messages,
    queue_messages_by_topic,
    requeue_stale,
    resend,
)

__all__ = [
    "DeliveryInterrupted",
    "DeliveryReport",
    "Kind",
    "OwedMailTask",
    "State",
    "StoredEmail",
    "Work",
    "deliver_messages",
    "forget",
    "hand_over",
    "owe",
    "queue_message",
    "queue_messages",
    "queue_messages_by_topic",
    "requeue_stale",
    "resend",
    "sweep",
]
