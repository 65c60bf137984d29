"""Writing messages to the outbox and handing them to Celery; handing over again what the
broker lost; resending what failed."""

import logging
from collections.abc import Mapping, Sequence
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, make_msgid
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.batches import batched
from core.tasks import task_named

from ..attachments import StoredAttachment, check_attachable
from ..models import Kind, OutboxMessage, State
from ..rebuild import rebuild

log = logging.getLogger(__name__)

# What a failed message whose body retention deleted says once a new one replaced it.
REBUILT = "Its body was deleted; sent again as a new message."

# Messages per sending task: one SMTP connection each.
BATCH_SIZE = 50
SEND_TASK = "outbox.tasks.send_messages"
# How many lost messages one sweep hands over at most (the next sweep takes the rest).
SWEEP_LIMIT = 5000


@transaction.atomic
def queue_message(
    *, message: EmailMessage, kind: str = Kind.OTHER, topic: str = ""
) -> OutboxMessage:
    """Write one message (exactly one recipient) to the outbox; it is sent after commit."""
    [row] = queue_messages(messages=[message], kind=kind, topic=topic)
    return row


@transaction.atomic
def queue_messages(
    *,
    messages: Sequence[EmailMessage],
    kind: str = Kind.OTHER,
    topic: str = "",
    attachments: Sequence[StoredAttachment] = (),
) -> list[OutboxMessage]:
    """Write many messages in one transaction; they are sent in batches after commit.
    `attachments` are files stored once elsewhere, referenced by every row and added to each
    message when it is sent (outbox/attachments.py)."""
    now, domain = timezone.now(), _mail_domain()
    rows = [
        _row_for(message, kind=kind, topic=topic, now=now, domain=domain) for message in messages
    ]
    if attachments:
        references = [attachment.as_json() for attachment in attachments]
        for row in rows:
            check_attachable(bytes(row.raw))  # the bytes just written (the field may hold a view)
            row.attachments = references
    rows = OutboxMessage.objects.bulk_create(rows, batch_size=500)
    ids = [row.pk for row in rows]
    # robust: a broker that is down must not undo or fail the caller's committed work; the
    # messages wait for the sweeper (requeue_stale).
    transaction.on_commit(lambda: hand_over(ids), robust=True)
    return rows


@transaction.atomic
def queue_messages_by_topic(
    *, messages: Mapping[str, Sequence[EmailMessage]], kind: str = Kind.OTHER
) -> list[OutboxMessage]:
    """queue_messages for messages about several topics ({topic: messages}) in one insert:
    for a beat task that writes about many meetings at once."""
    now, domain = timezone.now(), _mail_domain()
    rows = [
        _row_for(message, kind=kind, topic=topic, now=now, domain=domain)
        for topic, about in messages.items()
        for message in about
    ]
    rows = OutboxMessage.objects.bulk_create(rows, batch_size=500)
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: hand_over(ids), robust=True)
    return rows


def _row_for(message: EmailMessage, *, kind: str, topic: str, now, domain: str) -> OutboxMessage:
    """The outbox row of `message`, with a new Message-ID at `domain` (the sender's domain,
    parsed once per call of queue_messages rather than once per message)."""
    recipients = message.recipients()
    if len(recipients) != 1:
        raise ValueError(f"An outbox message has exactly one recipient, not {recipients!r}.")
    message.from_email = message.from_email or settings.DEFAULT_FROM_EMAIL
    message_id = make_msgid(domain=domain)
    message.extra_headers["Message-ID"] = message_id
    return OutboxMessage(
        recipient=recipients[0],
        from_email=message.from_email,
        subject=str(message.subject)[:500],
        kind=kind,
        topic=topic,
        message_id=message_id,
        # django-stubs 6 describe Django 6's message(); Django 5.2's takes `linesep`.
        raw=message.message().as_bytes(linesep="\n"),  # type: ignore[call-arg]
        next_attempt_at=now,
    )


def _mail_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


def hand_over(ids: Sequence[int], *, countdown: float | None = None) -> None:
    """Hand the messages `ids` to Celery in sending batches, after `countdown` seconds if
    given. When the broker refuses (down, or a broker folder that cannot be written), the
    error is logged with its cause and the sweeper hands the messages over later: messages
    due now at its next run, with the cause written on them; retries after their backoff."""
    pending = list(ids)
    try:
        for batch in batched(pending, BATCH_SIZE):
            # Celery takes countdown=None as none; celery-types say float only.
            task_named(SEND_TASK).apply_async((batch,), countdown=countdown)  # type: ignore[arg-type]
            pending = pending[len(batch) :]
    except Exception as error:
        cause = f"Not handed to a worker yet: {type(error).__name__}: {error}"[:2000]
        log.error("Could not hand %d outbox messages to Celery. %s", len(pending), cause)
        if countdown is None:
            OutboxMessage.objects.filter(pk__in=pending, state=State.QUEUED).update(
                next_attempt_at=None, last_error=cause
            )


def requeue_stale() -> int:
    """Hand Celery again every message the broker seems to have lost (from beat, through
    outbox.tasks.sweep): a queued message past its attempt time by OWED_GRACE, or never handed
    over, and a sending one whose worker died (claimed more than OUTBOX_STALE_AFTER ago).
    Safe to run twice: sending re-checks each message.

    A queued message handed over gets `next_attempt_at` = now, so the next sweeps leave it
    alone while it waits in the broker. A message whose worker died on its last allowed
    attempt fails."""
    now = timezone.now()
    stale = now - settings.OUTBOX_STALE_AFTER
    OutboxMessage.objects.filter(
        state=State.SENDING, claimed_at__lt=stale, attempts__gte=settings.OUTBOX_MAX_ATTEMPTS
    ).update(
        state=State.FAILED,
        last_error="The worker stopped while sending it (it may have arrived); no attempts left.",
    )
    ids = list(
        OutboxMessage.objects.filter(
            Q(state=State.QUEUED, next_attempt_at__lt=now - settings.OWED_GRACE)
            | Q(state=State.QUEUED, next_attempt_at__isnull=True)
            | Q(state=State.SENDING, claimed_at__lt=stale)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    if ids:
        log.warning("Handing over again %d outbox messages", len(ids))
        OutboxMessage.objects.filter(pk__in=ids, state=State.QUEUED).update(next_attempt_at=now)
        hand_over(ids)
    return len(ids)


@transaction.atomic
def resend(*, message: OutboxMessage) -> OutboxMessage:
    """Queue a failed message again, the same message with the same Message-ID, with a full
    set of attempts: an organizer resends after the cause was fixed. A message whose body
    retention deleted is built anew instead (outbox.rebuild; CannotRebuild if it cannot be)."""
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if message.state != State.FAILED:
        return message
    if message.body_purged_at is not None:
        if message.last_error != REBUILT:  # once: a second click sends no second copy
            rebuild(message)
            message.last_error = REBUILT
            message.save(update_fields=["last_error"])
        return message
    message.state, message.next_attempt_at, message.attempts = State.QUEUED, timezone.now(), 0
    message.save(update_fields=["state", "next_attempt_at", "attempts"])
    transaction.on_commit(lambda: hand_over([message.pk]), robust=True)
    return message
