"""Calendar replies: the METHOD:REPLY a calendar client mails to the ORGANIZER address when a
member presses Accept, Decline or Maybe (iTIP RFC 5546 §3.2.3, iMIP RFC 6047).

`ingest_calendar_reply` reads one raw message, whether it comes from the organizer mailbox
(`fetch_replies_from_imap`, run by Celery beat) or from `manage.py ingest_reply`.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import imaplib
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import getaddresses
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from icalendar import Calendar

from ..models import CalendarReply, Invitation, Meeting
from .answers import answer_invitation
from .invitations import AnswerClosed

log = logging.getLogger(__name__)

Outcome = CalendarReply.Outcome

# RFC 5545 §3.2.12: the answers a reply can carry that Rakor records. DELEGATED (Rakor's
# representatives are named on the answer page) and NEEDS-ACTION are kept but change nothing.
ANSWER_FOR_PARTSTAT = {
    "ACCEPTED": Invitation.Answer.YES,
    "DECLINED": Invitation.Answer.NO,
    "TENTATIVE": Invitation.Answer.MAYBE,
}
CALENDAR_TYPES = ("text/calendar", "application/ics", "text/x-vcalendar")
MAX_NOTE_LENGTH = 1000


class ReplyInvalid(Exception):
    """The message is not a calendar reply Rakor can read; the text says why."""


@dataclass(frozen=True)
class ParsedReply:
    uid: str
    sequence: int
    dtstamp: datetime
    attendees: list[tuple[str, str]]  # (address, PARTSTAT), in the file's order
    comment: str


# --- One message ---------------------------------------------------------------------------


@transaction.atomic
def ingest_calendar_reply(*, raw: bytes) -> CalendarReply:
    """Record one calendar reply, and update the answer when the reply is current.

    The rule: the meeting is found by UID and the invitation (not withdrawn) by the ATTENDEE's
    address, or else by the message's From address, in any case. The answer changes only when
    the reply answers the meeting's current SEQUENCE (a reply to an older version is stale) and
    its DTSTAMP is later than the invitation's last answer; it is recorded through
    `answer_invitation`, so the deadline, capacity and waiting list apply, with the reply's
    DTSTAMP (at most now) as the time of the answer. Whatever becomes of it, the reply is kept
    as a CalendarReply with its outcome and logged. A message with a Message-ID already
    ingested is not processed again: its first CalendarReply is returned (`repeated = True`).
    """
    message_id, sender, message = _headers(raw)
    if message_id:
        earlier = CalendarReply.objects.filter(message_id=message_id).first()
        if earlier is not None:
            earlier.repeated = True
            return earlier
    try:
        with transaction.atomic():
            reply = _process(message_id=message_id, sender=sender, message=message)
    except IntegrityError:
        # The same message ingested at the same moment by another worker: theirs counts.
        earlier = CalendarReply.objects.filter(message_id=message_id).first()
        if earlier is None:
            raise
        earlier.repeated = True
        return earlier
    reply.repeated = False
    level = logging.INFO if reply.outcome == Outcome.APPLIED else logging.WARNING
    log.log(level, "calendar reply %s: %s (%s)", reply.outcome, reply.detail, message_id or "-")
    return reply


def _process(*, message_id: str, sender: str, message: EmailMessage | None) -> CalendarReply:
    reply = CalendarReply(message_id=message_id)
    try:
        if message is None:
            raise ReplyInvalid("the message cannot be read as email")
        parsed = parse_reply(message)
    except ReplyInvalid as invalid:
        return _keep(reply, Outcome.INVALID, str(invalid))

    reply.uid, reply.sequence = parsed.uid[:255], parsed.sequence
    reply.attendee, reply.partstat = parsed.attendees[0][0][:320], parsed.attendees[0][1][:20]
    meeting = Meeting.objects.filter(uid=parsed.uid).first()
    if meeting is None:
        return _keep(reply, Outcome.UNKNOWN, f"no meeting has UID {parsed.uid}")
    found = _find_invitation(meeting, parsed.attendees, sender)
    if found is None:
        addresses = ", ".join(address for address, _ in parsed.attendees)
        return _keep(reply, Outcome.UNKNOWN, f"{addresses} is not invited to {meeting.uid}")
    invitation, (reply.attendee, reply.partstat) = found
    reply.attendee, reply.partstat = reply.attendee[:320], reply.partstat[:20]
    reply.invitation = invitation

    answer = ANSWER_FOR_PARTSTAT.get(reply.partstat)
    if answer is None:
        detail = f"PARTSTAT {reply.partstat or '(none)'} is not applied"
        return _keep(reply, Outcome.UNKNOWN, detail)
    if parsed.sequence != meeting.sequence:
        return _keep(
            reply,
            Outcome.STALE,
            f"answers SEQUENCE {parsed.sequence}; the meeting is at {meeting.sequence}",
        )
    if invitation.answered_at and parsed.dtstamp <= invitation.answered_at:
        return _keep(
            reply,
            Outcome.STALE,
            f"DTSTAMP {parsed.dtstamp.isoformat()} is not after the last answer "
            f"({invitation.answered_at.isoformat()})",
        )
    try:
        invitation = answer_invitation(invitation=invitation, answer=answer, note=parsed.comment)
    except AnswerClosed:
        return _keep(reply, Outcome.STALE, f"meeting {meeting.uid} no longer accepts answers")
    # The answer was given when the member pressed the button, not when the mailbox was read:
    # two replies read in one run must compare with each other, not with the reading time.
    answered_at = min(parsed.dtstamp, timezone.now())
    Invitation.objects.filter(pk=invitation.pk).update(answered_at=answered_at)
    return _keep(reply, Outcome.APPLIED, f"{reply.partstat} recorded as {invitation.answer}")


def _keep(reply: CalendarReply, outcome: str, detail: str) -> CalendarReply:
    reply.outcome, reply.detail = outcome, detail
    reply.save()
    return reply


def _find_invitation(
    meeting: Meeting, attendees: list[tuple[str, str]], sender: str
) -> tuple[Invitation, tuple[str, str]] | None:
    """The invitation of the first ATTENDEE address that is invited; else that of the sender,
    with the first ATTENDEE's PARTSTAT (the same person writing from another address)."""
    invited = meeting.invitations.filter(withdrawn_at__isnull=True).select_related("member")
    for address, partstat in attendees:
        invitation = invited.filter(member__email__iexact=address).first()
        if invitation is not None:
            return invitation, (address, partstat)
    if sender:
        invitation = invited.filter(member__email__iexact=sender).first()
        if invitation is not None:
            return invitation, (sender, attendees[0][1])
    return None


def _headers(raw: bytes) -> tuple[str, str, EmailMessage | None]:
    """Message-ID, the From address and the parsed message (None if it cannot be parsed)."""
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        # The header as written: the parsed form drops what does not fit RFC 5322's grammar,
        # and two different malformed ids must not become one.
        message_id = next(
            (
                " ".join(str(value).split())
                for name, value in message.raw_items()
                if name.lower() == "message-id"
            ),
            "",
        )[:255]
    except Exception:  # a malformed message is an invalid reply, not a crash
        return "", "", None
    try:
        sender = getaddresses([str(message.get("From", "") or "")])[0][1]
    except Exception:
        sender = ""
    return message_id, sender, message


def parse_reply(message: EmailMessage) -> ParsedReply:
    """The reply in `message`: its first calendar part (inline text/calendar, an .ics
    attachment, or the whole message) whose METHOD is REPLY. Raises ReplyInvalid."""
    seen_calendar = False
    for text in _calendar_texts(message):
        seen_calendar = True
        try:
            calendar = Calendar.from_ical(text)
        except Exception as error:  # icalendar raises ValueError and others on a broken file
            log.info("calendar reply: unreadable calendar part: %s", error)
            continue
        if str(calendar.get("METHOD", "")).upper() != "REPLY":
            continue
        events = calendar.walk("VEVENT")
        if events:
            return _read_event(events[0])
    if seen_calendar:
        raise ReplyInvalid("no calendar part with METHOD:REPLY and a VEVENT")
    raise ReplyInvalid("no calendar part")


def _calendar_texts(message: EmailMessage) -> Iterator[str]:
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = (part.get_filename() or "").lower()
        if part.get_content_type() not in CALENDAR_TYPES and not filename.endswith(".ics"):
            continue
        try:
            content = part.get_content()
        except (LookupError, ValueError, AssertionError, KeyError):
            content = part.get_payload(decode=True) or b""
        if isinstance(content, bytes):
            charset = part.get_content_charset() or "utf-8"
            try:
                content = content.decode(charset, errors="replace")
            except LookupError:
                content = content.decode("utf-8", errors="replace")
        yield content


def _read_event(event) -> ParsedReply:
    uid = str(event.get("UID", "")).strip()
    if not uid:
        raise ReplyInvalid("the reply has no UID")
    try:
        sequence = int(event.get("SEQUENCE", 0))
    except (TypeError, ValueError):
        raise ReplyInvalid("the reply's SEQUENCE is not a number") from None
    stamp = event.get("DTSTAMP")
    dtstamp = getattr(stamp, "dt", None)
    if not isinstance(dtstamp, datetime):
        raise ReplyInvalid("the reply has no DTSTAMP date-time")
    if dtstamp.tzinfo is None:  # RFC 5545 §3.8.7.2 says UTC; a floating one is read as UTC
        dtstamp = dtstamp.replace(tzinfo=UTC)
    values = event.get("ATTENDEE")
    values = values if isinstance(values, list) else [values] if values is not None else []
    attendees = []
    for value in values:
        address = str(value).strip()
        if address.lower().startswith("mailto:"):
            address = address[len("mailto:") :].strip()
        if "@" in address:
            attendees.append((address, str(value.params.get("PARTSTAT", "")).upper()))
    if not attendees:
        raise ReplyInvalid("the reply has no ATTENDEE with an email address")
    comment = event.get("COMMENT")
    comment = comment[0] if isinstance(comment, list) else comment
    return ParsedReply(
        uid=uid,
        sequence=sequence,
        dtstamp=dtstamp,
        attendees=attendees,
        comment=str(comment or "").strip()[:MAX_NOTE_LENGTH],
    )


# --- The organizer mailbox -----------------------------------------------------------------


@dataclass(frozen=True)
class ImapMailbox:
    """Where replies arrive, from CALENDAR_IMAP_URL:
    `imaps://user:password@host:993/INBOX` (TLS), `imap+starttls://…` or `imap://…` (port 143)."""

    security: str  # "ssl", "starttls" or "plain"
    host: str
    port: int
    username: str
    password: str
    folder: str

    @classmethod
    def from_url(cls, url: str) -> ImapMailbox:
        parts = urlsplit(url)
        security = {"imaps": "ssl", "imap+starttls": "starttls", "imap": "plain"}.get(
            parts.scheme.lower()
        )
        if security is None or not parts.hostname:
            raise ValueError("CALENDAR_IMAP_URL must look like imaps://user:password@host/INBOX")
        return cls(
            security=security,
            host=parts.hostname,
            port=parts.port or (993 if security == "ssl" else 143),
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            folder=unquote(parts.path.lstrip("/")) or "INBOX",
        )


def connect_imap(mailbox: ImapMailbox, *, timeout: float = 60) -> imaplib.IMAP4:
    """An IMAP connection to `mailbox`, logged in (imaplib's own TLS and certificate checks)."""
    if mailbox.security == "ssl":
        imap = imaplib.IMAP4_SSL(mailbox.host, mailbox.port, timeout=timeout)
    else:
        imap = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)
        if mailbox.security == "starttls":
            imap.starttls()
    imap.login(mailbox.username, mailbox.password)
    return imap


def fetch_replies_from_imap(
    *,
    url: str | None = None,
    connect: Callable[[ImapMailbox], imaplib.IMAP4] = connect_imap,
) -> Counter:
    """Ingest every unseen message of the organizer mailbox and mark each one \\Seen.

    A message is marked only after it was ingested (its CalendarReply written), so a crash
    leaves it unseen for the next run, and ingesting it again is harmless (Message-ID). A
    message that fails is logged and left unseen; the others go on. A broken connection is
    logged and the run ends: beat runs it again two minutes later. Returns counts per outcome
    (and `failed`).
    """
    url = settings.CALENDAR_IMAP_URL if url is None else url
    counts: Counter = Counter()
    if not url:
        return counts
    mailbox = ImapMailbox.from_url(url)
    try:
        imap = connect(mailbox)
    except (OSError, imaplib.IMAP4.error) as error:
        log.warning("calendar replies: cannot reach %s:%s: %s", mailbox.host, mailbox.port, error)
        counts["failed"] += 1
        return counts
    try:
        imap.select(_quoted(mailbox.folder))
        status, data = imap.uid("SEARCH", None, "UNSEEN")
        if status != "OK":
            raise imaplib.IMAP4.error(f"SEARCH UNSEEN answered {status}")
        for message_uid in (data[0] or b"").split():
            _ingest_one(imap, message_uid, counts)
    except (OSError, imaplib.IMAP4.error) as error:
        log.warning("calendar replies: %s:%s broke off: %s", mailbox.host, mailbox.port, error)
        counts["failed"] += 1
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            imap.logout()
    return counts


def _ingest_one(imap: imaplib.IMAP4, message_uid: bytes, counts: Counter) -> None:
    # PEEK: the message stays unseen until it has been ingested.
    status, data = imap.uid("FETCH", message_uid, "(BODY.PEEK[])")
    raw = next((item[1] for item in data or () if isinstance(item, tuple)), None)
    if status != "OK" or raw is None:
        log.warning("calendar replies: cannot fetch message %s", message_uid)
        counts["failed"] += 1
        return
    try:
        reply = ingest_calendar_reply(raw=raw)
    except Exception:
        log.exception("calendar replies: message %s failed; it stays unseen", message_uid)
        counts["failed"] += 1
        return
    imap.uid("STORE", message_uid, "+FLAGS", "(\\Seen)")
    counts[reply.outcome] += 1


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
