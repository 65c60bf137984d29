"""The outbox: every email is written as a row first and sent by a Celery task after commit.

Sending is idempotent: each message is claimed (QUEUED → SENDING) by a conditional UPDATE just
before its SMTP conversation, which only one worker can win, and marked SENT after it; so a task
that runs twice, or two tasks racing on the same batch, send nothing twice. A worker that dies
leaves at most one message SENDING (the one in flight; the rest of its batch is still QUEUED),
and the sweeper (requeue_stale, from beat) hands the broker again what it lost: queued messages
past their time and, once stale (OUTBOX_STALE_AFTER), the message that was in flight. That one
message is the only one that may arrive twice; it keeps its Message-ID so mail systems can drop
the copy. Temporary SMTP failures (4xx, connection problems) go back to QUEUED and are retried
with exponential backoff, up to OUTBOX_MAX_ATTEMPTS attempts.
"""

import contextlib
import logging
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection, make_msgid
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Kind, OutboxMessage, State

__all__ = ["Kind", "State", "deliver_messages", "queue_message", "requeue_stale", "resend"]

log = logging.getLogger(__name__)
BATCH_SIZE = 50


class TemporaryDeliveryError(Exception):
    """The mail server said 'try later' (4xx) or could not be reached."""


@transaction.atomic
def queue_message(
    *, message: EmailMessage, kind: str = Kind.OTHER, topic: str = ""
) -> OutboxMessage:
    """Write one message (exactly one recipient) to the outbox; it is sent after commit."""
    [row] = queue_messages(messages=[message], kind=kind, topic=topic)
    return row


@transaction.atomic
def queue_messages(
    *, messages: list[EmailMessage], kind: str = Kind.OTHER, topic: str = ""
) -> list[OutboxMessage]:
    """Write many messages in one transaction; they are sent in batches after commit."""
    now = timezone.now()
    rows = [_row_for(message, kind=kind, topic=topic, now=now) for message in messages]
    rows = OutboxMessage.objects.bulk_create(rows, batch_size=500)
    ids = [row.pk for row in rows]
    # robust: a broker that is down must not undo or fail the caller's committed work; the
    # sweeper (requeue_stale) hands these messages over later.
    transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return rows


def _row_for(message: EmailMessage, *, kind: str, topic: str, now) -> OutboxMessage:
    recipients = message.recipients()
    if len(recipients) != 1:
        raise ValueError(f"An outbox message has exactly one recipient, not {recipients!r}.")
    message.from_email = message.from_email or settings.DEFAULT_FROM_EMAIL
    message_id = make_msgid(domain=_mail_domain())
    message.extra_headers["Message-ID"] = message_id
    return OutboxMessage(
        recipient=recipients[0],
        from_email=message.from_email,
        subject=str(message.subject)[:500],
        kind=kind,
        topic=topic,
        message_id=message_id,
        raw=message.message().as_bytes(linesep="\n"),
        next_attempt_at=now,
    )


def _mail_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


def _enqueue(ids: list[int]) -> None:
    from .tasks import send_messages

    for start in range(0, len(ids), BATCH_SIZE):
        send_messages.delay(ids[start : start + BATCH_SIZE])


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)
    retry_in: float = 0  # seconds until the earliest retry
    retry_after: dict[int, float] = field(default_factory=dict)  # message id → seconds
    skipped: list[int] = field(default_factory=list)


def deliver_messages(*, message_ids: list[int]) -> DeliveryReport:
    """Send the given messages that are still due, over one SMTP connection.

    Each message is claimed on its own, just before it is sent, by a conditional UPDATE that
    only one worker can win on any database; a message another worker holds is skipped.
    """
    report = DeliveryReport()
    rows = list(
        OutboxMessage.objects.filter(_due(timezone.now()), pk__in=message_ids).order_by("pk")
    )
    report.skipped = sorted(set(message_ids) - {row.pk for row in rows})
    if not rows:
        return report
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as error:
        for row in rows:
            if _claim(row):
                _record_failure(row, error, temporary=True, report=report)
            else:
                report.skipped.append(row.pk)
        report.skipped.sort()
        return report
    try:
        for row in rows:
            if not _claim(row):
                report.skipped.append(row.pk)
                continue
            try:
                connection.send_messages([StoredEmail(row)])
            except (OSError, smtplib.SMTPException) as error:
                _record_failure(row, error, temporary=_is_temporary(error), report=report)
                if isinstance(error, (OSError, smtplib.SMTPServerDisconnected)):
                    _reopen(connection)
            except Exception as error:  # a message that cannot be sent at all (bad address...)
                log.exception("Outbox message %s cannot be sent", row.pk)
                _record_failure(row, error, temporary=False, report=report)
            else:
                # Unconditional: the server took it, whoever else holds the row now.
                OutboxMessage.objects.filter(pk=row.pk).update(
                    state=State.SENT, sent_at=timezone.now(), last_error=""
                )
                report.sent.append(row.pk)
    finally:
        try:
            connection.close()
        except (OSError, smtplib.SMTPException):
            log.warning("Closing the SMTP connection failed", exc_info=True)
    report.skipped.sort()
    return report


def _due(now) -> Q:
    """Waiting to be sent: queued, or 'sending' for so long that its worker must have died."""
    return Q(state=State.QUEUED) | Q(state=State.SENDING, claimed_at__lt=now - _stale_after())


def _claim(row: OutboxMessage) -> bool:
    """QUEUED → SENDING for this one row, if it is still due. The WHERE clause is evaluated
    against the row's latest committed version (PostgreSQL re-checks it after waiting for the
    row lock; SQLite runs writes one at a time), so of two workers racing for the same row
    exactly one gets rowcount 1 and sends it. `claimed_at` is when this send started."""
    now = timezone.now()
    won = OutboxMessage.objects.filter(_due(now), pk=row.pk).update(
        state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if won:
        row.state, row.claimed_at, row.attempts = State.SENDING, now, row.attempts + 1
    return bool(won)


def _is_temporary(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return True  # connection refused, reset, timed out: the server may be back later


def _record_failure(row, error, *, temporary: bool, report: DeliveryReport) -> None:
    text = f"{type(error).__name__}: {error}"[:2000]
    # Only while this worker still holds the row (a stale row may have been claimed again).
    held = OutboxMessage.objects.filter(pk=row.pk, state=State.SENDING, claimed_at=row.claimed_at)
    attempts = held.values_list("attempts", flat=True).first()
    if attempts is None:
        log.warning("Sending outbox message %s failed after it was claimed again: %s", row.pk, text)
        return
    if temporary and attempts < settings.OUTBOX_MAX_ATTEMPTS:
        delay = _backoff(attempts)
        held.update(
            state=State.QUEUED,
            last_error=text,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
        )
        report.retry.append(row.pk)
        report.retry_after[row.pk] = delay
        report.retry_in = min(report.retry_in or delay, delay)
    else:
        held.update(state=State.FAILED, last_error=text)
        report.failed.append(row.pk)
    log.warning("Sending outbox message %s failed: %s", row.pk, text)


def _backoff(attempts: int) -> float:
    """Seconds before the next try after `attempts` tries: 30 s, 1 min, 2 min, ... at most 1 h
    (with the default OUTBOX_RETRY_BASE_SECONDS of 15)."""
    base = settings.OUTBOX_RETRY_BASE_SECONDS
    return min(2**attempts * base, 3600)


def _reopen(connection) -> None:
    with contextlib.suppress(OSError, smtplib.SMTPException):
        connection.close()
    connection.connection = None
    try:
        connection.open()
    except (OSError, smtplib.SMTPException):
        log.warning("Reopening the SMTP connection failed", exc_info=True)


def _stale_after() -> timedelta:
    return settings.OUTBOX_STALE_AFTER


@transaction.atomic
def resend(*, message: OutboxMessage) -> OutboxMessage:
    """Queue a failed message again, the same message with the same Message-ID, with a full
    set of attempts: an organizer resends after the cause was fixed."""
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if message.state != State.FAILED:
        return message
    message.state, message.next_attempt_at, message.attempts = State.QUEUED, timezone.now(), 0
    message.save(update_fields=["state", "next_attempt_at", "attempts"])
    transaction.on_commit(lambda: _enqueue([message.pk]), robust=True)
    return message


def requeue_stale() -> int:
    """Hand the broker again every message it seems to have lost: a queued message past its
    attempt time, or a sending one whose worker died. Safe to run twice: sending re-checks.

    A queued message handed over gets `next_attempt_at` = now, so the next sweep leaves it alone
    while it waits in the broker. A message whose worker died on its last allowed attempt fails.
    """
    now = timezone.now()
    cutoff = now - _stale_after()
    OutboxMessage.objects.filter(
        state=State.SENDING, claimed_at__lt=cutoff, attempts__gte=settings.OUTBOX_MAX_ATTEMPTS
    ).update(
        state=State.FAILED,
        last_error="The worker stopped while sending it (it may have arrived); no attempts left.",
    )
    ids = list(
        OutboxMessage.objects.filter(
            Q(state=State.QUEUED, next_attempt_at__lt=cutoff)
            | Q(state=State.QUEUED, next_attempt_at__isnull=True)
            | Q(state=State.SENDING, claimed_at__lt=cutoff)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:5000]
    )
    OutboxMessage.objects.filter(pk__in=ids, state=State.QUEUED).update(next_attempt_at=now)
    _enqueue(ids)
    return len(ids)


class StoredEmail(EmailMessage):
    """An outbox row as Django's mail backends expect it, sending the stored bytes unchanged."""

    def __init__(self, row: OutboxMessage):
        super().__init__(subject=row.subject, from_email=row.from_email, to=[row.recipient])
        self.raw = bytes(row.raw)

    def message(self, *, policy=None):
        return _RawMime(self.raw)


class _RawMime:
    def __init__(self, raw: bytes):
        self.raw = raw

    def as_bytes(self, unixfrom=False, linesep="\n"):
        return self.raw.replace(b"\r\n", b"\n").replace(b"\n", linesep.encode())

    def as_string(self, unixfrom=False, linesep="\n"):
        return self.as_bytes(linesep=linesep).decode("utf-8", "replace")
