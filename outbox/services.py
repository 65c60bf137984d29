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

On PostgreSQL the claims and SENT marks (one statement per message) commit without waiting for
the disk (synchronous_commit off for that statement alone): waiting took 40% of each message's
time. A worker that dies changes nothing above, since the database server still has every mark.
Only a crash of the database server itself can forget the marks of its last fraction of a
second; those messages are then sent again (same Message-ID), never lost: the rows themselves
were written durably with the change that queued them.
"""

import contextlib
import functools
import logging
import re
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from email.generator import NLCRE, BytesGenerator
from email.policy import Compat32, compat32
from email.utils import parseaddr
from io import BytesIO

from django.conf import settings
from django.core.mail import EmailMessage, get_connection, make_msgid
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address
from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone

from core.db import prepared_cursor

from .attachments import StoredAttachment, check_attachable, with_attachments
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
    *,
    messages: list[EmailMessage],
    kind: str = Kind.OTHER,
    topic: str = "",
    attachments: Sequence[StoredAttachment] = (),
) -> list[OutboxMessage]:
    """Write many messages in one transaction; they are sent in batches after commit.
    `attachments` are files stored once elsewhere, referenced by every row and added to each
    message when it is sent (outbox/attachments.py)."""
    now = timezone.now()
    rows = [_row_for(message, kind=kind, topic=topic, now=now) for message in messages]
    if attachments:
        references = [attachment.as_json() for attachment in attachments]
        for row in rows:
            check_attachable(row.raw)
            row.attachments = references
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
        raw=_as_bytes(message.message()),
        next_attempt_at=now,
    )


def _as_bytes(mime) -> bytes:
    """What mime.as_bytes(linesep="\n") returns, for Django's messages (policy compat32) in a
    good deal less time: the folding of each header is remembered (see _RememberedFolding)."""
    if type(mime.policy) is not Compat32:
        return mime.as_bytes(linesep="\n")
    buffer = BytesIO()
    generator = _Generator(buffer, mangle_from_=False, policy=_REMEMBERED_FOLDING)
    generator.flatten(mime, linesep="\n")
    return buffer.getvalue()


class _Generator(BytesGenerator):
    """BytesGenerator writing a body in one piece: its _write_lines writes each line and each
    line ending on its own (two writes a line of base64); joining them gives the same bytes."""

    def _write_lines(self, lines):
        if lines:
            self.write(self._NL.join(NLCRE.split(lines)))


class _RememberedFolding(Compat32):
    """compat32, remembering how it folded each header. Folding runs email.header's line
    breaker for every header of every part, most of the cost of writing a message, while most
    headers of a fan-out are the same in every message (Content-Type, From, Subject…)."""

    def _fold(self, name, value, sanitize):
        if not isinstance(value, str):  # a Header object: not hashable, rare
            return super()._fold(name, value, sanitize)
        return _folded(name, value, sanitize, self.linesep, self.max_line_length)


@functools.lru_cache(maxsize=2048)
def _folded(name: str, value: str, sanitize: bool, linesep: str, max_line_length) -> str:
    policy = compat32.clone(linesep=linesep, max_line_length=max_line_length)
    return policy._fold(name, value, sanitize)


_REMEMBERED_FOLDING = _RememberedFolding()


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
    taken = None  # the message the server took last, not yet marked sent
    try:
        for row in rows:
            won = _claim(row, marking_sent=taken)
            taken = None
            if not won:
                report.skipped.append(row.pk)
                continue
            try:
                _send(connection, row)
            except (OSError, smtplib.SMTPException) as error:
                _record_failure(row, error, temporary=_is_temporary(error), report=report)
                if isinstance(error, (OSError, smtplib.SMTPServerDisconnected)):
                    _reopen(connection)
            except Exception as error:  # a message that cannot be sent at all (bad address...)
                log.exception("Outbox message %s cannot be sent", row.pk)
                _record_failure(row, error, temporary=False, report=report)
            else:
                taken = row.pk
                report.sent.append(row.pk)
        if taken is not None:
            _mark_sent(taken)
    finally:
        try:
            connection.close()
        except (OSError, smtplib.SMTPException):
            log.warning("Closing the SMTP connection failed", exc_info=True)
    report.skipped.sort()
    return report


def _send(backend, row: OutboxMessage) -> None:
    """Hand one stored message to the backend. On Django's own SMTP backend with its connection
    open, this is what its send_messages does for a StoredEmail, minus building an EmailMessage
    per message: the same envelope addresses, the same bytes, the same exceptions."""
    if type(backend) is not SmtpBackend or backend.connection is None:
        backend.send_messages([StoredEmail(row)])
        return
    backend.connection.sendmail(
        _envelope_address(row.from_email),
        [_envelope_address(row.recipient)],
        _RawMime(_full_message(row)).as_bytes(linesep="\r\n"),
    )


def _full_message(row: OutboxMessage) -> bytes:
    """The stored message with its stored-once attachments added."""
    return with_attachments(bytes(row.raw), row.attachments)


# A bare address that sanitize_address returns unchanged: a dot-atom local part at an ASCII
# domain whose labels the IDNA codec passes through as they are.
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*"
)


def _envelope_address(address: str) -> str:
    if _PLAIN_ADDRESS.fullmatch(address):
        return address
    return _sanitized(address, settings.DEFAULT_CHARSET)


@functools.lru_cache(maxsize=64)
def _sanitized(address: str, encoding: str) -> str:
    return sanitize_address(address, encoding)


def _due(now) -> Q:
    """Waiting to be sent: queued, or 'sending' for so long that its worker must have died."""
    return Q(state=State.QUEUED) | Q(state=State.SENDING, claimed_at__lt=now - _stale_after())


def _claim(row: OutboxMessage, *, marking_sent: int | None = None) -> bool:
    """QUEUED → SENDING for this one row, if it is still due. The WHERE clause is evaluated
    against the row's latest committed version (PostgreSQL re-checks it after waiting for the
    row lock; SQLite runs writes one at a time), so of two workers racing for the same row
    exactly one gets it and sends it. `claimed_at` is when this send started.

    `marking_sent` is the message this worker sent just before: the same statement (one
    commit, one round trip) marks it SENT, unconditionally, since the server took it whoever
    else holds the row now. Either both changes are written or neither, so a worker that dies
    at any moment leaves at most one message of its own that the server took unmarked."""
    now = timezone.now()
    won = row.pk in _mark_and_claim(sent=marking_sent, claim=row.pk, now=now)
    if won:
        row.state, row.claimed_at, row.attempts = State.SENDING, now, row.attempts + 1
    return won


def _mark_sent(pk: int) -> None:
    _mark_and_claim(sent=pk, claim=None, now=timezone.now())


def _mark_and_claim(*, sent: int | None, claim: int | None, now) -> set[int]:
    """One UPDATE: row `sent` → SENT, and row `claim` → SENDING if it is still due (see _due).
    Returns the ids it changed. Written in SQL because it runs twice per message: the ORM
    spends five times as long compiling an UPDATE as the database takes to run it."""
    connection = connections[OutboxMessage.objects.db]
    adapt = connection.ops.adapt_datetimefield_value
    sent_key = -1 if sent is None else sent  # matches no row
    claim_key = -1 if claim is None else claim
    at, stale = adapt(now), adapt(now - _stale_after())
    sent, sending, queued = State.SENT.value, State.SENDING.value, State.QUEUED.value
    params = [sent_key, sent, sending, sent_key, at, sent_key, sent_key, at]
    params += [sent_key, sent_key, claim_key, queued, sending, stale]
    # One statement is atomic on its own: no transaction around it, no extra round trips.
    # Inside a caller's transaction it keeps that transaction's durability.
    relaxed = connection.vendor == "postgresql" and connection.get_autocommit()
    with prepared_cursor(connection.alias) as cursor:
        cursor.execute(_mark_and_claim_sql(connection.alias, relaxed=relaxed), params)
        return {row[0] for row in cursor.fetchall()}


@functools.cache
def _mark_and_claim_sql(alias: str, *, relaxed: bool) -> str:
    quote = connections[alias].ops.quote_name
    table = quote(OutboxMessage._meta.db_table)
    pk, state, sent_at, last_error, claimed_at, attempts = map(
        quote, ["id", "state", "sent_at", "last_error", "claimed_at", "attempts"]
    )
    # relaxed: this statement's commit does not wait for the disk (see the module's docstring).
    # set_config(..., true) lasts until the end of the transaction, which in autocommit is this
    # statement's own.
    relax = "AND (SELECT set_config('synchronous_commit', 'off', true)) = 'off' " if relaxed else ""
    # Only quoted identifiers are put in the text; every value is a parameter.
    return (
        f"UPDATE {table} SET "  # noqa: S608
        f"{state} = CASE WHEN {pk} = %s THEN %s ELSE %s END, "
        f"{sent_at} = CASE WHEN {pk} = %s THEN %s ELSE {sent_at} END, "
        f"{last_error} = CASE WHEN {pk} = %s THEN '' ELSE {last_error} END, "
        f"{claimed_at} = CASE WHEN {pk} = %s THEN {claimed_at} ELSE %s END, "
        f"{attempts} = CASE WHEN {pk} = %s THEN {attempts} ELSE {attempts} + 1 END "
        f"WHERE ({pk} = %s "
        f"OR ({pk} = %s AND ({state} = %s OR ({state} = %s AND {claimed_at} < %s)))) "
        f"{relax}RETURNING {pk}"
    )


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
        self.raw = _full_message(row)

    def message(self, *, policy=None):
        return _RawMime(self.raw)


class _RawMime:
    def __init__(self, raw: bytes):
        self.raw = raw

    def as_bytes(self, unixfrom=False, linesep="\n"):
        return self.raw.replace(b"\r\n", b"\n").replace(b"\n", linesep.encode())

    def as_string(self, unixfrom=False, linesep="\n"):
        return self.as_bytes(linesep=linesep).decode("utf-8", "replace")
