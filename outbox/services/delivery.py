"""Sending outbox messages: claimed by batch, handed to the mail backend one by one, each
marked sent as soon as the server took it.

A batch claims its messages (QUEUED → SENDING, under a claim of its own) with one conditional
UPDATE, which only one worker can win for each message, then sends them one after the other
through the backend's send_messages and marks each SENT just after; so a task that runs twice,
or two tasks racing on the same batch, send nothing twice. While a batch is sending it renews its
claim, so that a slow mail server is not taken for a dead worker. A worker that dies leaves its
claimed messages SENDING: the sweeper hands them over again once stale (OUTBOX_STALE_AFTER).
Only the one that was in flight may then arrive twice; it keeps its Message-ID, so mail systems
can drop the copy.

A database connection lost in the middle of a batch (a restart of PostgreSQL) loses no mark:
DeliveryInterrupted carries the messages the server took whose mark may be missing, and the
batch's claim, to the task's next try, which writes those marks first and sends the rest at
once. Only when the database stays away longer than the task keeps trying is a mark lost, and
that message sent again, with its Message-ID, once stale.

Temporary failures (4xx, no connection) go back to QUEUED and are tried again after a backoff,
up to OUTBOX_MAX_ATTEMPTS; permanent ones (5xx, a bad address) fail. A local configuration
error (a mail folder that cannot be written, a missing certificate file) fails the batch at
once with the path and the cause on each message and in the log: retrying cannot fix it, and
an organizer resends once it is fixed.

The claims and marks commit without waiting for the disk (core.db): waiting took most of each
message's time. A worker that dies changes nothing above, since the database server still has
every mark; only a crash of the database server itself forgets its last fraction of a second
of marks, and those messages are sent again (same Message-ID), never lost.
"""

import errno
import logging
import smtplib
import time
import uuid
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from core.db import DATABASE_UNREACHABLE, commits_without_waiting_for_the_disk
from core.mail_backends import envelope_address

from ..attachments import with_attachments
from ..models import OutboxMessage, State

log = logging.getLogger(__name__)

# Path errors that only the administrator can fix (a full disk, by contrast, may pass).
_CONFIGURATION_ERRNOS = {
    errno.EACCES,
    errno.EPERM,
    errno.ENOENT,
    errno.ENOTDIR,
    errno.EISDIR,
    errno.EROFS,
    errno.ELOOP,
    errno.ENAMETOOLONG,
}


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    retry_after: dict[int, float] = field(default_factory=dict)  # message id → seconds
    skipped: list[int] = field(default_factory=list)


class DeliveryInterrupted(Exception):
    """The database went away in the middle of a batch. `sent`: messages the mail server took
    whose SENT mark may be missing; `claim`: the batch's claim, under which it may still hold
    messages it did not send. The next try takes both over."""

    def __init__(self, *, sent: list[int], claim: str):
        super().__init__(f"database unreachable; {len(sent)} marks kept")
        self.sent, self.claim = sent, claim


def deliver_messages(
    *, message_ids: list[int], sent: list[int] | None = None, claim: str | None = None
) -> DeliveryReport:
    """Send the given messages that are still due, over one connection of the mail backend.

    `sent` and `claim` are what an interrupted try left (see DeliveryInterrupted): the first
    are marked SENT before anything else, the messages held under the second are sent again."""
    batch = _Batch(unmarked=list(sent or ()), claim=uuid.UUID(claim) if claim else uuid.uuid4())
    try:
        with commits_without_waiting_for_the_disk():
            return batch.deliver(message_ids)
    except DATABASE_UNREACHABLE as error:
        raise DeliveryInterrupted(sent=batch.unmarked, claim=str(batch.claim)) from error


@dataclass
class _Batch:
    unmarked: list[int]  # taken by the mail server, SENT mark not known to be written
    claim: uuid.UUID
    report: DeliveryReport = field(default_factory=DeliveryReport)
    renewed: float = 0.0  # time.monotonic() of the last claim

    def deliver(self, message_ids: list[int]) -> DeliveryReport:
        if self.unmarked:
            _mark_sent(self.unmarked)
            self.unmarked = []
        rows = self._claim(message_ids)
        self.report.skipped = sorted(set(message_ids) - {row.pk for row in rows})
        if rows:
            self._send_all(rows)
        return self.report

    def _claim(self, message_ids: list[int]) -> list[OutboxMessage]:
        """QUEUED → SENDING under this batch's claim, for those of `message_ids` still due:
        queued, 'sending' for so long that their worker must have died, or held by this
        batch's interrupted try. The WHERE clause is evaluated against each row's latest
        committed version (PostgreSQL re-checks it after waiting for the row lock; SQLite
        runs writes one at a time), so of two batches racing for a message exactly one gets
        it. Two queries; returns the messages this batch holds."""
        now = timezone.now()
        due = (
            Q(state=State.QUEUED)
            | Q(state=State.SENDING, claimed_at__lt=now - settings.OUTBOX_STALE_AFTER)
            | Q(state=State.SENDING, claimed_by=self.claim)
        )
        OutboxMessage.objects.filter(due, pk__in=message_ids).update(
            state=State.SENDING, claimed_at=now, claimed_by=self.claim, attempts=F("attempts") + 1
        )
        self.renewed = time.monotonic()
        return list(
            OutboxMessage.objects.filter(
                pk__in=message_ids, state=State.SENDING, claimed_by=self.claim
            ).order_by("pk")
        )

    def _held(self, ids) -> QuerySet[OutboxMessage]:
        return OutboxMessage.objects.filter(pk__in=ids, state=State.SENDING, claimed_by=self.claim)

    def _renew(self, rows: list[OutboxMessage]) -> None:
        """Claimed anew, now: a batch slowed by its mail server is not taken for a dead one.
        Every third of OUTBOX_STALE_AFTER, so well before its claim goes stale."""
        if time.monotonic() - self.renewed > settings.OUTBOX_STALE_AFTER.total_seconds() / 3:
            self._held([row.pk for row in rows]).update(claimed_at=timezone.now())
            self.renewed = time.monotonic()

    def _send_all(self, rows: list[OutboxMessage]) -> None:
        backend = get_connection(fail_silently=False)
        try:
            backend.open()
        except Exception as error:
            for row in rows:
                self._record_failure(row, error)
            return
        try:
            for position, row in enumerate(rows):
                self._renew(rows[position:])
                try:
                    sent = backend.send_messages([StoredEmail(row)])
                except Exception as error:
                    self._record_failure(row, error)
                    if _is_configuration_error(error):
                        self._fail_the_rest(rows[position + 1 :], error)
                        return
                    if isinstance(error, (OSError, smtplib.SMTPServerDisconnected)):
                        _reopen(backend)
                    continue
                if not sent:
                    self._record_failure(row, RuntimeError("The mail backend did not send it."))
                    continue
                self.unmarked.append(row.pk)
                _mark_sent([row.pk])
                self.unmarked.clear()
                self.report.sent.append(row.pk)
        finally:
            with suppress(Exception):
                backend.close()

    def _record_failure(self, row: OutboxMessage, error: Exception) -> None:
        """Back to QUEUED with a backoff, or FAILED, only while this batch still holds the row
        (a stale row may have been claimed by another)."""
        text = _describe(error)
        held = self._held([row.pk])
        if _is_temporary(error) and row.attempts < settings.OUTBOX_MAX_ATTEMPTS:
            delay = _backoff(row.attempts)
            changed = held.update(
                state=State.QUEUED,
                last_error=text,
                next_attempt_at=timezone.now() + timedelta(seconds=delay),
            )
            if changed:
                self.report.retry_after[row.pk] = delay
        else:
            changed = held.update(state=State.FAILED, last_error=text)
            if changed:
                self.report.failed.append(row.pk)
        if not changed:
            log.warning(
                "Sending outbox message %s failed after it was claimed again: %s", row.pk, text
            )
        elif _is_configuration_error(error):
            log.error("Outbox message %s cannot be sent: %s", row.pk, text)
        elif isinstance(error, (OSError, smtplib.SMTPException)):
            log.warning("Sending outbox message %s failed: %s", row.pk, text)
        else:  # a message that cannot be sent at all (a bad address...): the traceback helps
            log.error("Outbox message %s cannot be sent: %s", row.pk, text, exc_info=error)

    def _fail_the_rest(self, rows: list[OutboxMessage], error: Exception) -> None:
        """The rest of a batch that met a configuration error fails at once, with the same
        cause: each of them would meet it too."""
        ids = [row.pk for row in rows]
        self._held(ids).update(state=State.FAILED, last_error=_describe(error))
        self.report.failed += ids


def _mark_sent(ids: list[int]) -> None:
    """SENT, unconditionally: the server took these messages, whoever holds their rows now."""
    OutboxMessage.objects.filter(pk__in=ids).update(
        state=State.SENT, sent_at=timezone.now(), last_error=""
    )


def _is_configuration_error(error: Exception) -> bool:
    """A path the administrator must fix: a mail folder that cannot be written, a missing
    certificate file, a file where a folder should be."""
    if isinstance(error, ImproperlyConfigured):
        return True
    return (
        isinstance(error, OSError)
        and error.filename is not None
        and error.errno in _CONFIGURATION_ERRNOS
    )


def _is_temporary(error: Exception) -> bool:
    if _is_configuration_error(error):
        return False
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    # Connection refused, reset, timed out: the server may be back later.
    return isinstance(error, (OSError, smtplib.SMTPException))


def _describe(error: Exception) -> str:
    if _is_configuration_error(error) and isinstance(error, OSError):
        text = (
            f"Configuration error: cannot write {error.filename}: {error.strerror}. "
            "Fix it, then send the failed messages again."
        )
    else:
        text = f"{type(error).__name__}: {error}"
    return text[:2000]


def _backoff(attempts: int) -> float:
    """Seconds before the next try after `attempts` tries: 10 s, 20 s, 40 s, ... at most an
    hour (with the default OUTBOX_RETRY_BASE_SECONDS of 5)."""
    return min(2**attempts * settings.OUTBOX_RETRY_BASE_SECONDS, 3600)


def _reopen(backend) -> None:
    """A new connection after the old one broke: close() forgets a broken one."""
    with suppress(OSError, smtplib.SMTPException):
        backend.close()
    try:
        backend.open()
    except (OSError, smtplib.SMTPException):
        log.warning("Reopening the mail connection failed", exc_info=True)


class StoredEmail(EmailMessage):
    """An outbox row as Django's mail backends take it: every backend sends what message()
    returns, here the stored bytes unchanged (with the line endings the backend asks for).
    Its `envelope` is what Rakor's SMTP backend (core.mail_backends) sends it with."""

    def __init__(self, row: OutboxMessage):
        super().__init__(subject=row.subject, from_email=row.from_email, to=[row.recipient])
        self.raw = with_attachments(bytes(row.raw), row.attachments)  # stored once, added here
        self.envelope = (envelope_address(row.from_email), [envelope_address(row.recipient)])

    def message(self, *, policy=None):  # noqa: ARG002 (EmailMessage.message's)
        return StoredMime(self.raw)


class StoredMime:
    """The stored message, read the way backends read EmailMessage.message()."""

    def __init__(self, raw: bytes):
        self.raw = raw

    def as_bytes(self, unixfrom=False, linesep="\n"):  # noqa: ARG002 (Message.as_bytes's)
        return self.raw.replace(b"\r\n", b"\n").replace(b"\n", linesep.encode())

    def as_string(self, unixfrom=False, linesep="\n"):  # noqa: ARG002 (Message.as_string's)
        return self.as_bytes(linesep=linesep).decode("utf-8", "replace")

    def get_charset(self):
        return None  # the bytes are already encoded
