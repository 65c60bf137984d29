"""Calendar replies: the METHOD:REPLY a calendar client mails to the ORGANIZER address when a
member presses Accept, Decline or Maybe (iTIP RFC 5546 §3.2.3, iMIP RFC 6047).

`ingest_calendar_reply` reads one raw message, whether it comes from the organizer mailbox
(mailbox.py, run by Celery beat) or from `manage.py ingest_reply`. Each session is an event of
its own in calendars (events.calendar), while the answer is the meeting's: a reply about one
session that the invitee's other replies do not confirm for the whole meeting (declining one
day of two) is kept and shown to the organizers, not applied.
"""

from __future__ import annotations

import email
import email.policy
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import getaddresses
from typing import TYPE_CHECKING, TypeAlias, TypedDict, cast

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.utils import timezone
from icalendar import Calendar

from members.models import Member

from ..models import ANSWER_FOR_PARTSTAT, CalendarReply, Invitation, Session
from .answers import answer_invitation
from .invitations import AnswerClosed


class Repeated(TypedDict):
    repeated: bool


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # A reply as ingest_calendar_reply() returns it, saying whether it was ingested before.
    IngestedReply: TypeAlias = WithAnnotations[CalendarReply, Repeated]

log = logging.getLogger(__name__)

Outcome = CalendarReply.Outcome

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
def ingest_calendar_reply(*, raw: bytes) -> IngestedReply:
    """Record one calendar reply, and update the answer when the reply is current.

    The rule: the session is found by UID and the invitation (not withdrawn) by the ATTENDEE's
    address, or else by the message's From address, in any case. A reply changes an answer only
    when its sender is that invitee (From: one of the member's addresses, in any case);
    another sender's reply naming an invitee is ignored and shown to the organizers with why.
    It is stale when it answers a version of the session older than its last change or a
    SEQUENCE never sent, or when its DTSTAMP is not later than the invitation's last answer.
    For a meeting of several sessions, the answer the invitee's latest reply per session gives
    for the whole meeting (any accepted: will attend; all declined: declines; all answered,
    none accepted: tentative) must be this reply's own, else the reply is noted for the
    organizers and changes nothing. An answer is recorded through `answer_invitation`, so the
    deadline, capacity and waiting list apply, with the reply's DTSTAMP (at most now) as its
    time. Whatever becomes of it, the reply is kept as a CalendarReply with its outcome and
    logged. A message with a Message-ID already ingested is not processed again: its first
    CalendarReply is returned (`repeated = True`).
    """
    message_id, sender, message = _headers(raw)
    if message_id:
        earlier = CalendarReply.objects.filter(message_id=message_id).first()
        if earlier is not None:
            return _marked(earlier, repeated=True)
    try:
        with transaction.atomic():
            reply = _process(message_id=message_id, sender=sender, message=message)
    except IntegrityError:
        # The same message ingested at the same moment by another worker: theirs counts.
        earlier = CalendarReply.objects.filter(message_id=message_id).first()
        if earlier is None:
            raise
        return _marked(earlier, repeated=True)
    level = logging.INFO if reply.outcome == Outcome.APPLIED else logging.WARNING
    log.log(level, "calendar reply %s: %s (%s)", reply.outcome, reply.detail, message_id or "-")
    return _marked(reply, repeated=False)


def _marked(reply: CalendarReply, *, repeated: bool) -> IngestedReply:
    marked = cast("IngestedReply", reply)
    marked.repeated = repeated
    return marked


def _process(*, message_id: str, sender: str, message: EmailMessage | None) -> CalendarReply:
    reply = CalendarReply(message_id=message_id, sender=sender[:320])
    try:
        if message is None:
            raise ReplyInvalid("the message cannot be read as email")
        parsed = parse_reply(message)
    except ReplyInvalid as invalid:
        return _keep(reply, Outcome.INVALID, str(invalid))

    reply.uid, reply.sequence = parsed.uid[:255], parsed.sequence
    reply.attendee, reply.partstat = parsed.attendees[0][0][:320], parsed.attendees[0][1][:20]
    session = Session.objects.select_related("meeting").filter(uid=parsed.uid).first()
    if session is None:
        return _keep(reply, Outcome.UNKNOWN, f"no session has UID {parsed.uid}")
    meeting, reply.session = session.meeting, session
    found = _find_invitation(meeting, parsed.attendees, sender)
    if found is None:
        addresses = ", ".join(address for address, _ in parsed.attendees)
        return _keep(reply, Outcome.UNKNOWN, f"{addresses} is not invited to {session.uid}")
    invitation, (reply.attendee, reply.partstat) = found
    reply.attendee, reply.partstat = reply.attendee[:320], reply.partstat[:20]
    reply.invitation = invitation
    if sender.lower() not in known_addresses(invitation.member):
        return _keep(
            reply,
            Outcome.IGNORED,
            f"sent from {sender or '(no address)'}, not from an address of {reply.attendee}",
        )

    answer = ANSWER_FOR_PARTSTAT.get(reply.partstat)
    if answer is None:
        detail = f"PARTSTAT {reply.partstat or '(none)'} is not applied"
        return _keep(reply, Outcome.UNKNOWN, detail)
    if parsed.sequence < session.sequence:
        return _keep(
            reply,
            Outcome.STALE,
            f"answers SEQUENCE {parsed.sequence}; the session changed at {session.sequence}",
        )
    if parsed.sequence > meeting.sequence:
        return _keep(
            reply,
            Outcome.STALE,
            f"answers SEQUENCE {parsed.sequence}, never sent; the meeting is at {meeting.sequence}",
        )
    if invitation.answered_at and parsed.dtstamp <= invitation.answered_at:
        return _keep(
            reply,
            Outcome.STALE,
            f"DTSTAMP {parsed.dtstamp.isoformat()} is not after the last answer "
            f"({invitation.answered_at.isoformat()})",
        )
    whole = _meeting_answer(invitation, session, reply.partstat)
    if whole != answer:
        return _keep(
            reply,
            Outcome.NOTED,
            f"{reply.partstat} for the session {session.title!r} only; "
            f"the answer for the meeting stays {invitation.answer}",
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


def known_addresses(member: Member) -> set[str]:
    """The member's addresses, lowercased: theirs, their account's and the account's
    verified ones."""
    addresses = {member.email.lower()}
    if member.user_id and (user := member.user) is not None:
        addresses.add(user.email.lower())
        addresses.update(
            address.lower()
            for address in EmailAddress.objects.filter(
                user_id=member.user_id, verified=True
            ).values_list("email", flat=True)
        )
    return addresses


def _meeting_answer(invitation: Invitation, session: Session, partstat: str) -> str | None:
    """The whole meeting's answer from the invitee's latest current reply per session, this
    one (`partstat` for `session`) included; None while it is not decided."""
    sessions = list(invitation.meeting.sessions.all())
    latest = {session.pk: partstat}
    if len(sessions) > 1:
        earlier = (
            CalendarReply.objects.filter(
                invitation=invitation,
                outcome__in=(Outcome.APPLIED, Outcome.NOTED),
                session__in=sessions,
            )
            .exclude(session=session)
            .order_by("pk")
            .values_list("session_id", "sequence", "partstat")
        )
        current = {s.pk: s.sequence for s in sessions}
        for session_id, sequence, earlier_partstat in earlier:
            if (sequence or 0) >= current[session_id]:
                latest[session_id] = earlier_partstat
    answers = [ANSWER_FOR_PARTSTAT.get(latest.get(s.pk, "")) for s in sessions]
    if Invitation.Answer.YES in answers:
        return Invitation.Answer.YES
    if None in answers:
        return None
    if all(answer == Invitation.Answer.NO for answer in answers):
        return Invitation.Answer.NO
    return Invitation.Answer.MAYBE


def _find_invitation(
    meeting, attendees: list[tuple[str, str]], sender: str
) -> tuple[Invitation, tuple[str, str]] | None:
    """The invitation of the first ATTENDEE address that is invited; else that of the sender,
    with the first ATTENDEE's PARTSTAT (the same person writing from another address)."""
    invited = meeting.invitations.filter(withdrawn_at__isnull=True).select_related(
        "member__user", "meeting"
    )
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
