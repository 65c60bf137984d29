"""Checking people in at the door: scanning tickets, by hand, undoing.

The rules every check-in keeps:
- a scanned code counts only if it is, exactly, the secret of a ticket of this meeting;
- only an invitation that still stands and was not declined checks in;
- a session takes check-ins from OPENS_BEFORE before it starts (session_hours.py) until the
  meeting ends;
- one check-in per person per session, kept by the database's unique constraint, so two
  operators scanning the same ticket at once record one check-in;
- an offline scan uploaded twice (same nonce) is one check-in, answered as the first time,
  and keeps the time it was scanned;
- every attempt, whatever its result, is written as a ScanAttempt for the organizers' audit.

On PostgreSQL the usual scan is one statement (scan_statement.py); elsewhere, and for the rare
refusals, the ORM path below gives the same answers and rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.models import REFUSED_ANSWERS, CheckIn, OperatorLink, ScanAttempt, Ticket
from attendance.selectors import scanner_session
from core.dates import format_time
from core.ids import parse_id
from core.secrets import SECRET_SHAPE, hash_secret
from events.models import Invitation, Meeting, Session

from . import scan_limits, scan_statement
from .operators import operator_link_for_secret
from .session_hours import OPENS_BEFORE

Result = ScanAttempt.Result

# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=2)
PREVIEW_LENGTH = 12
# Tickets hold core.secrets.new_secret().
TICKET_SHAPE = SECRET_SHAPE
NONCE_SHAPE = re.compile(r"[A-Za-z0-9_-]{8,64}")


def _refusal(*, same_meeting: bool, withdrawn: bool, answer: str) -> tuple[str, str] | None:
    """Why this invitation does not check in here, as (result, sentence), or None when it
    does: the first of another meeting's ticket, a withdrawn invitation, a refused answer."""
    if not same_meeting:
        return Result.OTHER_MEETING, _("This ticket is for another meeting.")
    if withdrawn:
        return Result.DECLINED, _("This invitation was withdrawn.")
    if answer in REFUSED_ANSWERS:
        return Result.DECLINED, {
            Invitation.Answer.NO: _("This person declined the invitation."),
            Invitation.Answer.REPRESENTED: _("This person sent a representative."),
            Invitation.Answer.WAITLISTED: _("This person is on the waiting list."),
        }[answer]
    return None


def _refuse_invitation(attempt: Attempt, refusal, invitation_id: int, person: dict):
    status, detail = refusal
    # Another meeting's invitation is not this meeting's business: the audit does not name it.
    named = None if status == Result.OTHER_MEETING else invitation_id
    return _refuse(attempt, status, detail, invitation_id=named, person=person)


class CheckInError(Exception):
    """A request the operator's page should never send (a session of another meeting)."""


class UnknownLink(CheckInError):
    """An operator link that is forged, mistyped or revoked."""


class UnknownSession(CheckInError):
    """A scan that names no session of the meeting."""


@dataclass
class ScanResult:
    """What the scanner shows: the status (a ScanAttempt.Result value), a sentence for the
    operator and, when the ticket is known, who it belongs to."""

    status: str
    detail: str = ""
    name: str = ""
    agency: str = ""
    position: str = ""
    session: str = ""
    checked_in_at: str = ""  # "08.12 WIB", in the meeting's zone
    checked_in_by: str = ""
    checkin_id: int | None = None

    def as_json(self) -> dict:
        return dict(vars(self))


@dataclass
class Attempt:
    """One scan or tap at a desk: where, by whom and when, as its audit entry records it."""

    meeting: Meeting
    session: Session
    operator: object | None
    operator_link: OperatorLink | None
    scanned_at: datetime
    content_preview: str = ""
    nonce: str = ""

    @property
    def operator_name(self) -> str:
        if self.operator is not None:
            return (getattr(self.operator, "name", "") or self.operator.email)[:200]
        if self.operator_link is not None:
            return self.operator_link.label[:200]
        return ""

    def record(self, result: ScanResult, invitation_id: int | None = None) -> None:
        ScanAttempt.objects.create(
            meeting_id=self.meeting.pk,
            session_id=self.session.pk,
            invitation_id=invitation_id,
            operator=self.operator,
            operator_link=self.operator_link,
            scanned_at=self.scanned_at,
            content_preview=self.content_preview,
            nonce=self.nonce,
            result=result.status,
            detail=result.detail[:300],
        )


# --- Scanning ---------------------------------------------------------------------------------
def scan_ticket(
    *,
    meeting: Meeting,
    session: Session,
    content: str,
    operator=None,
    operator_link: OperatorLink | None = None,
    scanned_at: datetime | None = None,
    nonce: str | None = None,
) -> ScanResult:
    """Check in the holder of the ticket whose secret is `content` for `session`.

    Anything but a ticket secret of this meeting is refused with its reason; a second scan is
    answered "already checked in" with when and by whom; a repeated `nonce` (the offline
    queue uploading again) returns the first answer and writes nothing. A desk (the operator
    link, or else the operator) that scans too fast is refused before any lookup
    (scan_limits.py). Every other call writes one ScanAttempt.
    """
    if session.meeting_id != meeting.pk:
        raise CheckInError("session of another meeting")
    if nonce is not None and not NONCE_SHAPE.fullmatch(nonce):
        raise CheckInError("malformed nonce")
    session.meeting = meeting
    attempt = _attempt(session, content, scanned_at, nonce, operator, operator_link)
    return _scan(attempt, content or "")


def scan_with_link(
    *,
    secret: str,
    session_id,
    content: str,
    scanned_at: datetime | None = None,
    nonce: str | None = None,
) -> ScanResult:
    """scan_ticket for the holder of an operator link, who brings only the link's secret and
    a session id. On PostgreSQL the usual scan, the link's and session's lookups and the rate
    limit included, is one statement. Raises UnknownLink or UnknownSession."""
    if not secret or not SECRET_SHAPE.fullmatch(secret):
        raise UnknownLink
    if nonce is not None and not NONCE_SHAPE.fullmatch(nonce):
        raise CheckInError("malformed nonce")
    session_id = parse_id(session_id)
    content = content or ""
    # A refusal before any lookup needs the link and the session: the ORM path.
    if (
        connection.vendor == "postgresql"
        and session_id is not None
        and TICKET_SHAPE.fullmatch(content)
    ):
        now = timezone.now()
        at = _bounded(scanned_at, now)
        row = scan_statement.run_for_link(
            link_hash=hash_secret(secret),
            session_id=session_id,
            opens_before=OPENS_BEFORE,
            **_statement_args(content, at, now, nonce),
        )
        if row is not None and row.limited:
            return _refuse_too_fast(_link_attempt(row, content, at, nonce))
        if row is not None and row.open:
            return _answer_row(row, at, nonce, lambda: _link_attempt(row, content, at, nonce))
    link = operator_link_for_secret(secret)
    if link is None:
        raise UnknownLink
    session = scanner_session(meeting=link.meeting, session_id=session_id)
    if session is None:
        raise UnknownSession
    attempt = _attempt(session, content, scanned_at, nonce, None, link)
    return _scan(attempt, content)


def _attempt(session, content, scanned_at, nonce, operator, link) -> Attempt:
    return Attempt(
        meeting=session.meeting,
        session=session,
        operator=operator,
        operator_link=link,
        scanned_at=_bounded(scanned_at, timezone.now()),
        content_preview=(content or "")[:PREVIEW_LENGTH],
        nonce=nonce or "",
    )


def _scan(attempt: Attempt, content: str) -> ScanResult:
    # A closed session is rare: leave it to the ORM path, which orders the refusals.
    if (
        connection.vendor == "postgresql"
        and TICKET_SHAPE.fullmatch(content)
        and not _closed_reason(attempt.session, attempt.scanned_at)
    ):
        now = timezone.now()
        row = scan_statement.run_for_desk(
            meeting=attempt.meeting,
            session=attempt.session,
            link=attempt.operator_link,
            operator=attempt.operator,
            operator_name=attempt.operator_name,
            **_statement_args(content, attempt.scanned_at, now, attempt.nonce),
        )
        if row.limited:
            return _refuse_too_fast(attempt)
        return _answer_row(row, attempt.scanned_at, attempt.nonce, lambda: attempt)
    if scan_limits.over_limit(
        now=timezone.now(), operator=attempt.operator, operator_link=attempt.operator_link
    ):
        return _refuse_too_fast(attempt)
    if attempt.nonce:
        earlier = _earlier_upload(
            meeting_id=attempt.meeting.pk, time_zone=attempt.meeting.time_zone, nonce=attempt.nonce
        )
        if earlier is not None:
            return earlier
    if not TICKET_SHAPE.fullmatch(content):
        return _refuse(attempt, Result.INVALID, _("This code is not a ticket."))
    ticket = (
        Ticket.objects.select_related("invitation__member__agency").filter(secret=content).first()
    )
    if ticket is None:
        return _refuse(attempt, Result.INVALID, _("This code is not a ticket."))
    return _check_in(invitation=ticket.invitation, attempt=attempt, method=CheckIn.Method.SCAN)


def check_in_by_hand(
    *,
    invitation: Invitation,
    session: Session,
    operator=None,
    operator_link: OperatorLink | None = None,
) -> ScanResult:
    """Check in someone the operator found by name, agency or NIP (no ticket at hand), under
    the same rules as a scan; the attempt is audited like one."""
    if session.meeting_id != invitation.meeting_id:
        raise CheckInError("session of another meeting")
    attempt = _attempt(session, "", None, None, operator, operator_link)
    return _check_in(invitation=invitation, attempt=attempt, method=CheckIn.Method.MANUAL)


@transaction.atomic
def undo_check_in(*, checkin: CheckIn, operator=None, operator_link: OperatorLink | None = None):
    """Take back a mistaken check-in: the check-in goes, an UNDONE attempt says who took it
    back and when. Undoing twice is harmless."""
    deleted, _rows = CheckIn.objects.filter(pk=checkin.pk).delete()
    if not deleted:
        return
    ScanAttempt.objects.create(
        meeting_id=checkin.session.meeting_id,
        session=checkin.session,
        invitation_id=checkin.invitation_id,
        result=Result.UNDONE,
        scanned_at=timezone.now(),
        operator=operator,
        operator_link=operator_link,
        detail=_("Check-in of %(at)s by %(by)s undone.")
        % {
            "at": format_time(checkin.at, checkin.session.meeting.time_zone),
            "by": checkin.operator_name or "-",
        },
    )


def _check_in(*, invitation: Invitation, attempt: Attempt, method: str) -> ScanResult:
    session = attempt.session
    person = _person(invitation, session.title)
    refusal = _refusal(
        same_meeting=invitation.meeting_id == attempt.meeting.pk,
        withdrawn=invitation.withdrawn_at is not None,
        answer=invitation.answer,
    )
    if refusal:
        return _refuse_invitation(attempt, refusal, invitation.pk, person)
    window = _closed_reason(session, attempt.scanned_at)
    if window:
        return _refuse(
            attempt, Result.WRONG_SESSION, window, invitation_id=invitation.pk, person=person
        )
    # The check-in and its audit entry commit together. The check-in is the block's first
    # write, so when the unique constraint refuses it (a second scan, or two operators at the
    # same instant) the block rolls back alone: a savepoint inside a caller's transaction, a
    # transaction of its own otherwise. Then the existing row is read and reported.
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                invitation=invitation,
                session=session,
                at=attempt.scanned_at,
                method=method,
                operator=attempt.operator,
                operator_link=attempt.operator_link,
                operator_name=attempt.operator_name,
                nonce=attempt.nonce or None,
            )
            result = _answer_checkin(Result.OK, checkin, person, attempt.meeting.time_zone)
            attempt.record(result, invitation.pk)
        return result
    except IntegrityError:
        existing = CheckIn.objects.filter(invitation=invitation, session=session).first()
        return _not_inserted(attempt, existing, invitation.pk, person)


def _not_inserted(attempt: Attempt, existing: CheckIn | None, invitation_id: int, person: dict):
    """The answer when the unique constraints kept the check-in out: `existing` is the
    person's check-in for the session, if any. "Already" is audited with its result only: the
    check-in it met holds when and by whom."""
    time_zone = attempt.meeting.time_zone
    if existing is None:  # the clash was the nonce: the same upload raced with itself, or not
        existing = CheckIn.objects.filter(nonce=attempt.nonce).first()
        if existing is None or existing.invitation_id != invitation_id:
            return _refuse(
                attempt,
                Result.INVALID,
                _("This upload repeats another scan's number: scan the ticket again."),
                invitation_id=invitation_id,
                person=person,
            )
        return _answer_checkin(Result.OK, existing, person, time_zone)
    if attempt.nonce and existing.nonce == attempt.nonce:
        return _answer_checkin(Result.OK, existing, person, time_zone)
    attempt.record(ScanResult(status=Result.ALREADY), invitation_id)
    return _answer_checkin(Result.ALREADY, existing, person, time_zone)


def _statement_args(content: str, at: datetime, now: datetime, nonce: str | None) -> dict:
    return {
        "secret": content,
        "at": at,
        "now": now,
        "nonce": nonce,
        "preview": content[:PREVIEW_LENGTH],
    }


def _link_attempt(row: scan_statement.ScanRow, content: str, at: datetime, nonce) -> Attempt:
    """The Attempt of a scan whose desk the one statement found, no model having been loaded."""
    meeting = Meeting(pk=row.meeting_id, time_zone=row.time_zone)
    session = Session(pk=row.session_id, meeting=meeting, title=row.session_title)
    link = OperatorLink(pk=row.link_id, meeting=meeting, label=row.operator_name)
    return Attempt(meeting, session, None, link, at, content[:PREVIEW_LENGTH], nonce or "")


def _answer_row(
    row: scan_statement.ScanRow, at: datetime, nonce: str | None, attempt: Callable[[], Attempt]
) -> ScanResult:
    """The operator's answer from what the one statement saw. It audited an OK or "already";
    the refusals are audited here, with the Attempt that `attempt()` builds."""
    if row.replayed:
        earlier = _earlier_upload(meeting_id=row.meeting_id, time_zone=row.time_zone, nonce=nonce)
        if earlier is not None:
            return earlier
    if row.invitation_id is None:
        return _refuse(attempt(), Result.INVALID, _("This code is not a ticket."))
    person = {
        "name": row.name,
        "agency": row.agency,
        "position": row.position,
        "session": row.session_title,
    }
    refusal = _refusal(
        same_meeting=row.ticket_meeting_id == row.meeting_id,
        withdrawn=row.withdrawn_at is not None,
        answer=row.answer,
    )
    if refusal:
        return _refuse_invitation(attempt(), refusal, row.invitation_id, person)
    if row.added_id is not None:
        return _answer(
            Result.OK, row.added_id, at, row.operator_name, person=person, time_zone=row.time_zone
        )
    if row.prior_id is None:  # committed by a concurrent scan after the statement's snapshot
        existing = CheckIn.objects.filter(
            invitation_id=row.invitation_id, session_id=row.session_id
        ).first()
        return _not_inserted(attempt(), existing, row.invitation_id, person)
    status = Result.OK if nonce and row.prior_nonce == nonce else Result.ALREADY
    return _answer(  # an offline scan uploaded again is answered as the first time
        status, row.prior_id, row.prior_at, row.prior_by, person=person, time_zone=row.time_zone
    )


def _earlier_upload(*, meeting_id: int, time_zone: str, nonce: str) -> ScanResult | None:
    """The answer given to the first upload of this offline scan, or None if it is new. A
    rate-limited upload was never looked at: trying it again is a new scan."""
    attempt = (
        ScanAttempt.objects.select_related("invitation__member__agency", "session")
        .filter(meeting_id=meeting_id, nonce=nonce)
        .exclude(result=Result.RATE_LIMITED)
        .order_by("pk")
        .first()
    )
    if attempt is None:
        return None
    title = attempt.session.title if attempt.session else ""
    person = _person(attempt.invitation, title) if attempt.invitation else {}
    checkins = CheckIn.objects.none()
    if attempt.result == Result.OK:
        checkins = CheckIn.objects.filter(nonce=nonce)
    elif attempt.result == Result.ALREADY:
        checkins = CheckIn.objects.filter(
            invitation_id=attempt.invitation_id, session_id=attempt.session_id
        )
    checkin = checkins.first()
    if checkin is not None:
        return _answer_checkin(attempt.result, checkin, person, time_zone)
    return ScanResult(status=attempt.result, detail=attempt.detail, **person)


def _refuse(attempt: Attempt, status, detail, *, invitation_id=None, person=None) -> ScanResult:
    result = ScanResult(status=status, detail=str(detail), **(person or {}))
    attempt.record(result, invitation_id)
    return result


def _refuse_too_fast(attempt: Attempt) -> ScanResult:
    return _refuse(attempt, Result.RATE_LIMITED, _("Too many scans: wait a moment."))


def _answer(status, checkin_id, at, by, *, person: dict, time_zone: str) -> ScanResult:
    """OK or "already", naming the check-in: when (in the meeting's zone) and by whom."""
    result = ScanResult(
        status=status,
        checked_in_at=format_time(at, time_zone),
        checked_in_by=by,
        checkin_id=checkin_id,
        **person,
    )
    if status == Result.ALREADY:
        result.detail = _("Already checked in at %(at)s by %(by)s.") % {
            "at": result.checked_in_at,
            "by": by or "-",
        }
    return result


def _answer_checkin(status, checkin: CheckIn, person: dict, time_zone: str) -> ScanResult:
    return _answer(
        status, checkin.pk, checkin.at, checkin.operator_name, person=person, time_zone=time_zone
    )


def _person(invitation: Invitation, session_title: str) -> dict:
    member = invitation.member
    return {
        "name": member.full_name,
        "agency": member.agency.name,
        "position": member.position,
        "session": session_title,
    }


def _closed_reason(session: Session, at: datetime) -> str:
    """Why `session` takes no check-in at `at`, or "" when it does."""
    opens = session.starts_at - OPENS_BEFORE
    meeting = session.meeting
    if at < opens:
        return _("Check-in for %(session)s opens at %(time)s.") % {
            "session": session.title,
            "time": format_time(opens, meeting.time_zone),
        }
    meeting_ends = (
        getattr(session, "meeting_ends_at", None)
        or (meeting.sessions.aggregate(end=Max("ends_at"))["end"])
    )
    if at > meeting_ends:
        return _("The meeting ended at %(time)s.") % {
            "time": format_time(meeting_ends, meeting.time_zone)
        }
    return ""


def _bounded(scanned_at: datetime | None, now: datetime) -> datetime:
    """The time a scan happened: the phone's (offline scans keep theirs), never in the future."""
    if scanned_at is None or scanned_at > now + CLOCK_SKEW:
        return now
    return min(scanned_at, now)
