"""Checking people in at the door: scanning tickets, by hand, undoing.

The rules every check-in keeps:
- a scanned code counts only if it is, exactly, the secret of a ticket of this meeting;
- only an invitation that still stands and was not declined checks in;
- a session takes check-ins from OPENS_BEFORE before it starts (session_hours.py) until the
  meeting ends;
- one check-in per person per session, kept by the database's unique constraint, so two
  operators scanning the same ticket at once record one check-in;
- a desk that scans too fast is refused before any lookup (scan_limits.py);
- an offline scan keeps the time it was scanned; uploaded twice (same nonce) it is answered as
  the first time and writes nothing, which the audit's unique (meeting, nonce) makes sure of;
- a check-in keeps the person's earliest scan: when two desks scanned the same person offline,
  the upload of the earlier scan takes the check-in over (its time and its desk), whichever
  desk uploaded first;
- every attempt, whatever its result, is written as a ScanAttempt for the organizers' audit.

One path on every database: the desk, its rate limit and the ticket's holder with their
check-in for the session if any (scan_reads.scan_desk*, one query, made by the view), then the
writes: the audit entry and the check-in in one transaction, or the audit entry alone.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.models import CheckIn, OperatorLink, ScanAttempt
from core.dates import format_day, format_time
from core.secrets import SECRET_SHAPE
from events.models import Invitation, Session

from .scan_answers import (
    Attempt,
    Person,
    Replayed,
    ScanResult,
    answer,
    earlier_upload,
    refusal,
    refuse,
)
from .scan_reads import Desk, Holder, find_holder, scan_desk
from .scan_writes import add_check_in
from .session_hours import OPENS_BEFORE

Result = ScanAttempt.Result

# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=2)
PREVIEW_LENGTH = 12
# Tickets hold core.secrets.new_secret().
TICKET_SHAPE = SECRET_SHAPE
NONCE_SHAPE = re.compile(r"[A-Za-z0-9_-]{8,64}")


class CheckInError(Exception):
    """A request the operator's page should never send (a session of another meeting)."""


# --- Scanning ---------------------------------------------------------------------------------


def scan_ticket(
    *,
    desk: Desk,
    content: str,
    scanned_at: datetime | None = None,
    nonce: str | None = None,
    offline: bool = False,
) -> ScanResult:
    """Check in the holder of the ticket whose secret is `content` at the desk's session.
    `scanned_at` is when the phone read the code; `nonce` the phone's id of the scan, which
    makes an upload repeated after a lost answer harmless; `offline` says the scan waited in
    the phone's queue (its answer was not seen at the door), so that, made earlier than the
    person's check-in, it takes the check-in over. A desk that reached its rate limit is
    refused before any lookup. Every other call writes one ScanAttempt."""
    if nonce is not None and not NONCE_SHAPE.fullmatch(nonce):
        raise CheckInError("malformed nonce")
    content = content or ""
    attempt = Attempt(
        desk=desk,
        scanned_at=_bounded(scanned_at, timezone.now()),
        content_preview=_preview(content),
        nonce=nonce or "",
    )
    if desk.limited:
        return refuse(attempt, Result.RATE_LIMITED, _("Too many scans: wait a moment."))
    try:
        found = desk.holder_of(content) if TICKET_SHAPE.fullmatch(content) else None
        if found is None:
            return refuse(attempt, Result.INVALID, _("This code is not a ticket."))
        return _check_in(holder=found, attempt=attempt, method=CheckIn.Method.SCAN, moves=offline)
    except Replayed:
        return earlier_upload(desk=desk, nonce=attempt.nonce)


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
    desk = scan_desk(
        meeting=session.meeting,
        session_id=session.pk,
        operator=operator,
        operator_link=operator_link,
        counted=False,
    )
    found = find_holder(session_id=session.pk, invitation_id=invitation.pk)
    if desk is None or found is None:
        raise CheckInError("no such session or invitation")
    attempt = Attempt(desk=desk, scanned_at=timezone.now())
    return _check_in(holder=found, attempt=attempt, method=CheckIn.Method.MANUAL, moves=False)


@transaction.atomic
def undo_check_in(*, checkin: CheckIn, operator=None, operator_link: OperatorLink | None = None):
    """Take back a mistaken check-in: the check-in goes, an UNDONE attempt says who took it
    back and when, and the meeting's audit trail what was taken back (a signature with it).
    Undoing twice is harmless."""
    from records.services import record_change

    locked = (
        CheckIn.objects.select_for_update(of=("self",))
        .select_related("session__meeting", "invitation__member")
        .filter(pk=checkin.pk)
        .first()
    )
    if locked is None:
        return
    checkin = locked
    checkin.delete()
    meeting = checkin.session.meeting
    record_change(
        actor=operator or (operator_link.label if operator_link else None),
        meeting=meeting,
        obj=checkin.invitation,
        action="attendance.checkin_undone",
        before={
            "person": checkin.invitation.member.full_name,
            "session": checkin.session.title,
            "checked_in_at": checkin.at.isoformat(),
            "method": checkin.method,
            "by": checkin.operator_name,
            "signed": checkin.signature is not None,
        },
        after=None,
    )
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


# --- The one check-in -------------------------------------------------------------------------


def _check_in(*, holder: Holder, attempt: Attempt, method: str, moves: bool) -> ScanResult:
    """The rules once the person is known, in order: the invitation must be this meeting's
    and still stand, the session open; then the check-in is made, or found (the person was
    here already), or, for an earlier offline scan (`moves`), moved back to it."""
    desk = attempt.desk
    who = attempt.person(holder)
    refused = refusal(
        same_meeting=holder.meeting_id == desk.meeting_id,
        withdrawn=holder.withdrawn_at is not None,
        answer=holder.answer,
    )
    if refused:
        status, detail = refused
        # Another meeting's invitation is not this meeting's business: neither the audit nor the
        # desk's answer names its holder.
        if status == Result.OTHER_MEETING:
            return refuse(attempt, status, detail)
        return refuse(attempt, status, detail, invitation_id=holder.pk, person=who)
    closed = _closed_reason(desk, attempt.scanned_at)
    if closed:
        return refuse(attempt, Result.WRONG_SESSION, closed, invitation_id=holder.pk, person=who)
    if holder.prior_id is not None:
        return _met(attempt, holder, who, moves, method)
    # The check-in and its audit entry commit together. When the audit's unique nonce refuses
    # the entry, this scan was uploaded before (Replayed) and the check-in goes too. When the
    # person has a check-in by now (a scan at another desk committed since the holder was
    # read), nothing is written, and the check-in that won is read.
    with transaction.atomic():
        checkin_id = add_check_in(
            desk=desk,
            invitation_id=holder.pk,
            at=attempt.scanned_at,
            method=method,
            nonce=attempt.nonce or None,
        )
        if checkin_id is not None:
            attempt.record(ScanResult(status=Result.OK), holder.pk, atomic=False)
    if checkin_id is not None:
        zone = desk.time_zone
        return answer(Result.OK, checkin_id, attempt.scanned_at, desk.operator_name, who, zone)
    holder = find_holder(session_id=desk.session_id, invitation_id=holder.pk) or holder
    if holder.prior_id is not None:
        return _met(attempt, holder, who, moves, method)
    # The clash was the check-in's nonce: this number is another meeting's scan.
    return refuse(
        attempt,
        Result.INVALID,
        _("This upload repeats another scan's number: scan the ticket again."),
        invitation_id=holder.pk,
        person=who,
    )


def _met(attempt: Attempt, holder: Holder, who: Person, moves: bool, method: str) -> ScanResult:
    """The person already has a check-in for the session: the same scan uploaded again is
    answered as the first time; an earlier offline scan takes it over; someone checked in
    online who comes to the room is checked in there; any other scan is "already checked in at
    08.12 by Andi", audited with its result only (the check-in it met holds when and by whom)."""
    zone = attempt.desk.time_zone
    assert holder.prior_at is not None  # a check-in has its time
    if attempt.nonce and holder.prior_nonce == attempt.nonce:
        return answer(Result.OK, holder.prior_id, holder.prior_at, holder.prior_by, who, zone)
    if holder.prior_method == CheckIn.Method.ONLINE and method != CheckIn.Method.ONLINE:
        into_the_room = _into_the_room(attempt, holder, who, method)
        if into_the_room is not None:
            return into_the_room
    if moves and attempt.scanned_at < holder.prior_at:
        moved = _move_back(attempt, holder, who)
        if moved is not None:
            return moved
    attempt.record(ScanResult(status=Result.ALREADY), holder.pk)
    return answer(Result.ALREADY, holder.prior_id, holder.prior_at, holder.prior_by, who, zone)


def _into_the_room(attempt: Attempt, holder: Holder, who: Person, method: str) -> ScanResult | None:
    """One check-in per person and session, and the room's wins (WAVE2): an online check-in
    becomes this desk's, at this scan's time, so the person signs the daftar hadir; the online
    join stays in the audit, and a report's online evidence beside it. None when it changed
    since it was read (then the scan is answered as any other)."""
    desk = attempt.desk
    assert holder.prior_id is not None  # the online check-in taken over
    result = answer(
        Result.OK, holder.prior_id, attempt.scanned_at, desk.operator_name, who, desk.time_zone
    )
    online = CheckIn.objects.filter(pk=holder.prior_id, method=CheckIn.Method.ONLINE)
    return _take_over(attempt, holder, result, online, method=method)


def _move_back(attempt: Attempt, holder: Holder, who: Person) -> ScanResult | None:
    """Give the check-in this earlier scan's time and desk, with its audit entry, unless a
    scan earlier still got there first (None)."""
    desk = attempt.desk
    assert holder.prior_id is not None
    assert holder.prior_at is not None
    result = answer(
        Result.OK, holder.prior_id, attempt.scanned_at, desk.operator_name, who, desk.time_zone
    )
    result.detail = _("Also scanned at %(at)s by %(by)s: the earlier scan counts.") % {
        "at": format_time(holder.prior_at, desk.time_zone),
        "by": holder.prior_by or "-",
    }
    later = CheckIn.objects.filter(pk=holder.prior_id, at__gt=attempt.scanned_at)
    return _take_over(attempt, holder, result, later)


def _take_over(
    attempt: Attempt, holder: Holder, result: ScanResult, check_ins, **changes
) -> ScanResult | None:
    """Give the check-in `check_ins` still finds this scan's time and desk (and `changes`),
    with the scan's audit entry: `result`; None, and nothing written, when it finds none any
    more or the scan's nonce is another check-in's."""
    desk = attempt.desk
    try:
        with transaction.atomic():
            attempt.record(result, holder.pk, atomic=False)
            moved = check_ins.update(
                at=attempt.scanned_at,
                operator=desk.operator,
                operator_link_id=desk.link_id,
                operator_name=desk.operator_name,
                nonce=attempt.nonce or None,
                **changes,
            )
            if not moved:
                raise _NotMoved
    except (_NotMoved, IntegrityError):  # IntegrityError: the nonce is another check-in's
        return None
    return result


class _NotMoved(Exception):
    """Rolls back the audit entry of a scan that turned out not to be the earliest."""


def _closed_reason(desk: Desk, at: datetime) -> str:
    """Why the desk's session takes no check-in at `at`, or "" when it does. The moment it
    opens, or the meeting ended, names its day too when that is not the scan's day (in the
    meeting's zone): "opens on Senin, 8 Desember 2026 at 06.00 WIB"."""
    zone = desk.time_zone
    scan_day = format_day(at, zone)
    opens = desk.starts_at - OPENS_BEFORE
    if at < opens:
        facts = {"session": desk.session_title, "time": format_time(opens, zone)}
        day = format_day(opens, zone)
        if day == scan_day:
            return _("Check-in for %(session)s opens at %(time)s.") % facts
        return _("Check-in for %(session)s opens on %(day)s at %(time)s.") % {**facts, "day": day}
    if at <= desk.ends_at:
        return ""
    meeting_ends = desk.meeting_ends_at()
    if at > meeting_ends:
        facts = {"time": format_time(meeting_ends, zone)}
        day = format_day(meeting_ends, zone)
        if day == scan_day:
            return _("The meeting ended at %(time)s.") % facts
        return _("The meeting ended on %(day)s at %(time)s.") % {**facts, "day": day}
    return ""


def _preview(content: str) -> str:
    """The start of what was scanned, as text every database stores (a code may hold a NUL
    byte or half a UTF-16 pair, which PostgreSQL and UTF-8 refuse): each becomes "\ufffd"."""
    cut = content[:PREVIEW_LENGTH].replace("\x00", "\ufffd")
    return cut.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _bounded(scanned_at: datetime | None, now: datetime) -> datetime:
    """The time a scan happened: the phone's (offline scans keep theirs), never in the future."""
    if scanned_at is None or scanned_at > now + CLOCK_SKEW:
        return now
    return min(scanned_at, now)
