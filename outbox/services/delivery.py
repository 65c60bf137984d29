"""Sending outbox messages: claimed one at a time, handed to the mail backend, marked sent.

Each message is claimed (QUEUED → SENDING) by a conditional UPDATE just before it is handed to
the backend, which only one worker can win, and marked SENT just after; so a task that runs
twice, or two tasks racing on the same batch, send nothing twice. A worker that dies leaves at
most one message SENDING (the one in flight; the rest of its batch is still QUEUED), which the
sweeper hands over again once stale (OUTBOX_STALE_AFTER). That message is the only one that may
arrive twice; it keeps its Message-ID, so mail systems can drop the copy.

A database connection lost in the middle of a batch (a restart of PostgreSQL) loses no mark:
DeliveryInterrupted carries the messages the server took but that are not known to be marked,
and those claimed but not sent, to the task's next try, which marks the first and sends the
others at once. Only when the database stays away longer than the task keeps trying is a mark
lost, and that message sent again, with its Message-ID, once stale.

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
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q
from django.utils import timezone

from core.db import DATABASE_UNREACHABLE, commits_without_waiting_for_the_disk

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
    whose SENT mark may be missing; `claims`: message id → the `claimed_at` of a claim this
    batch may hold without having sent the message. The next try takes both over."""

    def __init__(self, *, sent: list[int], claims: dict[int, str]):
        super().__init__(f"database unreachable; {len(sent)} marks and {len(claims)} claims kept")
        self.sent, self.claims = sent, claims


def deliver_messages(
    *,
    message_ids: list[int],
    sent: list[int] | None = None,
    claims: dict[int, str] | None = None,
) -> DeliveryReport:
    """Send the given messages that are still due, over one connection of the mail backend.

    `sent` and `claims` are what an interrupted try left (see DeliveryInterrupted): the first
    are marked SENT before anything else, the second may be claimed again by this try."""
    batch = _Batch(
        unmarked=list(sent or ()),
        claims={int(pk): datetime.fromisoformat(at) for pk, at in (claims or {}).items()},
    )
    try:
        with commits_without_waiting_for_the_disk():
            return batch.deliver(message_ids)
    except DATABASE_UNREACHABLE as error:
        raise DeliveryInterrupted(
            sent=batch.unmarked,
            claims={pk: at.isoformat() for pk, at in batch.claims.items()},
        ) from error


@dataclass
class _Batch:
    unmarked: list[int]  # taken by the mail server, SENT mark not known to be written
    claims: dict[int, datetime]  # claimed (perhaps) by this batch and not sent
    report: DeliveryReport = field(default_factory=DeliveryReport)

    def deliver(self, message_ids: list[int]) -> DeliveryReport:
        if self.unmarked:
            _mark_sent(self.unmarked)
            self.unmarked = []
        now = timezone.now()
        due = self._due(now)
        for pk, claimed_at in self.claims.items():
            due |= Q(pk=pk, state=State.SENDING, claimed_at=claimed_at)
        rows = list(OutboxMessage.objects.filter(due, pk__in=message_ids).order_by("pk"))
        self.report.skipped = sorted(set(message_ids) - {row.pk for row in rows})
        if rows:
            self._send_all(rows)
        self.report.skipped.sort()
        return self.report

    def _due(self, now, *, pk: int | None = None) -> Q:
        """Waiting to be sent: queued, or 'sending' for so long that its worker must have died;
        or, for message `pk`, claimed by this batch's interrupted try."""
        due = Q(state=State.QUEUED) | Q(
            state=State.SENDING, claimed_at__lt=now - settings.OUTBOX_STALE_AFTER
        )
        if pk in self.claims:
            due |= Q(state=State.SENDING, claimed_at=self.claims[pk])
        return due

    def _send_all(self, rows: list[OutboxMessage]) -> None:
        backend = get_connection(fail_silently=False)
        try:
            backend.open()
        except Exception as error:
            for row in rows:
                self._fail_if_claimed(row, error)
            return
        try:
            for position, row in enumerate(rows):
                if not self._claim(row):
                    self.report.skipped.append(row.pk)
                    continue
                try:
                    sent = backend.send_messages([StoredEmail(row)])
                except Exception as error:
                    self._record_failure(row, error)
                    if _is_configuration_error(error):
                        self._fail_unclaimed(rows[position + 1 :], error)
                        return
                    if isinstance(error, (OSError, smtplib.SMTPServerDisconnected)):
                        _reopen(backend)
                    continue
                if not sent:
                    self._record_failure(row, RuntimeError("The mail backend did not send it."))
                    continue
                self.unmarked.append(row.pk)
                del self.claims[row.pk]
                _mark_sent([row.pk])
                self.unmarked.clear()
                self.report.sent.append(row.pk)
        finally:
            with suppress(Exception):
                backend.close()

    def _claim(self, row: OutboxMessage) -> bool:
        """QUEUED → SENDING for this one row, if it is still due. The WHERE clause is evaluated
        against the row's latest committed version (PostgreSQL re-checks it after waiting for
        the row lock; SQLite runs writes one at a time), so of two workers racing for the same
        row exactly one gets it. `claimed_at` is when this send started."""
        now = timezone.now()
        due = self._due(now, pk=row.pk)
        self.claims[row.pk] = now  # in doubt until the database answers
        won = OutboxMessage.objects.filter(due, pk=row.pk).update(
            state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        if not won:
            del self.claims[row.pk]
            return False
        row.state, row.claimed_at, row.attempts = State.SENDING, now, row.attempts + 1
        return True

    def _fail_if_claimed(self, row: OutboxMessage, error: Exception) -> None:
        if self._claim(row):
            self._record_failure(row, error)
        else:
            self.report.skipped.append(row.pk)

    def _record_failure(self, row: OutboxMessage, error: Exception) -> None:
        """Back to QUEUED with a backoff, or FAILED, only while this batch still holds the row
        (a stale row may have been claimed again)."""
        text = _describe(error)
        held = OutboxMessage.objects.filter(
            pk=row.pk, state=State.SENDING, claimed_at=row.claimed_at
        )
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
        self.claims.pop(row.pk, None)
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

    def _fail_unclaimed(self, rows: list[OutboxMessage], error: Exception) -> None:
        """The rest of a batch that met a configuration error fails at once, with the same
        cause: each of them would meet it too."""
        ids = [row.pk for row in rows if row.pk not in self.claims]
        failed = OutboxMessage.objects.filter(self._due(timezone.now()), pk__in=ids)
        self.report.failed += list(failed.values_list("pk", flat=True))
        failed.update(state=State.FAILED, last_error=_describe(error))


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
    """Seconds before the next try after `attempts` tries: 20 s, 40 s, 80 s, ... at most an
    hour (with the default OUTBOX_RETRY_BASE_SECONDS of 10)."""
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
    returns, here the stored bytes unchanged (with the line endings the backend asks for)."""

    def __init__(self, row: OutboxMessage):
        super().__init__(subject=row.subject, from_email=row.from_email, to=[row.recipient])
        self.raw = bytes(row.raw)

    def message(self, *, policy=None):
        return StoredMime(self.raw)


class StoredMime:
    """The stored message, read the way backends read EmailMessage.message()."""

    def __init__(self, raw: bytes):
        self.raw = raw

    def as_bytes(self, unixfrom=False, linesep="\n"):
        return self.raw.replace(b"\r\n", b"\n").replace(b"\n", linesep.encode())

    def as_string(self, unixfrom=False, linesep="\n"):
        return self.as_bytes(linesep=linesep).decode("utf-8", "replace")

    def get_charset(self):
        return None  # the bytes are already encoded
