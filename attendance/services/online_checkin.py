"""The invitee's own "Join and check in" on online and hybrid meetings: their answer link, a
POST, during the session's check-in window (session_hours.is_open), for an invitation the desk
would not refuse. It makes the one CheckIn of the person and session, with method "online"
(someone already checked in keeps that check-in); every attempt is audited as a ScanAttempt.
The platforms' participant reports are online_reports.py and online_import.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import format_moment
from events.models import ONLINE_MODES, Invitation, Meeting, Session

from ..models import REFUSED_ANSWERS, CheckIn, ScanAttempt
from .own_checkin import ONLINE_CHECK_IN, audit_own_attempt, check_in_once
from .selfcheckin import NotAllowed, SelfCheckInError, SessionClosed
from .session_hours import OPENS_BEFORE, is_open

# Every try, in the scan audit beside the desks' scans.
_audit = partial(audit_own_attempt, detail=ONLINE_CHECK_IN)


class NotOnline(SelfCheckInError):
    message = gettext_lazy("This meeting is held in person only: check in at the venue.")


def online_sessions(meeting: Meeting) -> list[Session]:
    return list(meeting.sessions.all()) if meeting.mode in ONLINE_MODES else []


def open_online_session(*, invitation: Invitation, now: datetime | None = None) -> Session | None:
    """The session of the invitation's online or hybrid meeting whose check-in window is open
    now, or None."""
    now = now or timezone.now()
    meeting = invitation.meeting
    if meeting.mode not in ONLINE_MODES or meeting.state == Meeting.State.CANCELLED:
        return None
    for session in meeting.sessions.all():
        if is_open(session, now):
            session.meeting = meeting
            return session
    return None


def next_online_window(*, invitation: Invitation, now: datetime | None = None) -> datetime | None:
    """When the next session's online check-in opens, or None when none is to come."""
    now = now or timezone.now()
    if invitation.meeting.mode not in ONLINE_MODES:
        return None
    opens = [s.starts_at - OPENS_BEFORE for s in invitation.meeting.sessions.all()]
    later = [moment for moment in opens if moment > now]
    return min(later) if later else None


@dataclass(frozen=True)
class OnlineCheckIn:
    checkin: CheckIn
    created: bool  # False: they were checked in already (in the room, or online before)
    url: str  # the meeting's link, to open next


def online_check_in(*, invitation: Invitation, now: datetime | None = None) -> OnlineCheckIn:
    """Check the holder of `invitation` in, online, to the session whose window is open now
    (method "online", at now). NotOnline for an in-person meeting, NotAllowed for a withdrawn
    invitation or one the desk refuses too (declined, represented: the representative uses
    their own link; on the waiting list), SessionClosed outside every session's window. A
    person already checked in keeps their check-in. Every attempt is audited."""
    now = now or timezone.now()
    meeting = invitation.meeting
    if meeting.mode not in ONLINE_MODES:
        raise NotOnline
    session = open_online_session(invitation=invitation, now=now)
    if invitation.withdrawn_at is not None or invitation.answer in REFUSED_ANSWERS:
        _audit(meeting, session, invitation, ScanAttempt.Result.DECLINED, now)
        raise NotAllowed
    if session is None:
        _audit(meeting, None, invitation, ScanAttempt.Result.WRONG_SESSION, now)
        opens = next_online_window(invitation=invitation, now=now)
        if opens is not None:
            raise SessionClosed(
                _("Online check-in opens at %(when)s.")
                % {"when": format_moment(opens, meeting.time_zone)}
            )
        raise SessionClosed(_("Online check-in for this meeting is closed."))
    with transaction.atomic():
        checkin, created = check_in_once(
            invitation=invitation,
            session=session,
            at=now,
            method=CheckIn.Method.ONLINE,
            operator_name=str(gettext_lazy("Online check-in")),
        )
        result = ScanAttempt.Result.OK if created else ScanAttempt.Result.ALREADY
        _audit(meeting, session, invitation, result, now)
    return OnlineCheckIn(checkin=checkin, created=created, url=meeting.online_url)


def online_join_context(*, invitation: Invitation, now: datetime | None = None) -> dict:
    """What the answer page shows about joining online: nothing for an in-person meeting, a
    meeting without a link or an invitation that cannot check in; else `online_join` with the
    session open now (and whether this person is checked in to it), or when it opens next."""
    now = now or timezone.now()
    meeting = invitation.meeting
    if (
        meeting.mode not in ONLINE_MODES
        or not meeting.online_url
        or invitation.withdrawn_at is not None
        or invitation.answer in REFUSED_ANSWERS
    ):
        return {}
    session = open_online_session(invitation=invitation, now=now)
    if session is not None:
        checkin = CheckIn.objects.filter(invitation=invitation, session=session).first()
        return {
            "online_join": {
                "session": session.title,
                "open": True,
                "checked_in": format_moment(checkin.at, meeting.time_zone) if checkin else "",
            }
        }
    opens = next_online_window(invitation=invitation, now=now)
    if opens is None:
        return {}
    return {"online_join": {"open": False, "opens": format_moment(opens, meeting.time_zone)}}
