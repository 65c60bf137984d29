"""Self check-in at the venue: checking in whoever is at the phone.

The venue screen shows a code that changes every 30 seconds (venue_codes.py); opening it on a
phone leads here. Who may check themselves in: the holder of an invitation to the meeting that
is not withdrawn and whose answer the desk would not refuse either (REFUSED_ANSWERS: declined,
represented, on the waiting list), whom the page recognises (attendance/visitors.py: their
answer link's cookie, or their account). Everyone else registers
as a walk-in (walkins.py), which the organizers accept or reject. One check-in per person and
session, as everywhere: the database says so.

SelfCheckInError is the family of everything the self check-in page can refuse with; each
module raises its own kind (CodeExpired, WalkInExists, SignatureInvalid…).
"""

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import Refused
from events.models import Invitation, Meeting, Session

from ..models import REFUSED_ANSWERS, CheckIn, ScanAttempt
from .own_checkin import SELF_CHECK_IN, audit_own_attempt, check_in_once
from .session_hours import is_open

# Every try, in the scan audit beside the desks' scans.
_audit = partial(audit_own_attempt, detail=SELF_CHECK_IN)


class SelfCheckInError(Refused):
    message = _("Self check-in is not possible.")


class SessionClosed(SelfCheckInError):
    message = _("Check-in for this session is closed.")


class NotAllowed(SelfCheckInError):
    message = _(
        "Your invitation does not allow checking in (declined, represented, on the waiting "
        "list or withdrawn). Please see the registration desk."
    )


# --- Checking in ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SelfCheckIn:
    checkin: CheckIn
    created: bool


def self_check_in(
    *,
    invitation: Invitation,
    session: Session,
    signature: bytes | None = None,
    now: datetime | None = None,
) -> SelfCheckIn:
    """Check the holder of `invitation` in to `session` (method "self"), with their signature
    if they gave one. A second check-in finds the first (and adds the signature if it had none).
    Every attempt is kept as a ScanAttempt, refusals too: NotAllowed for another meeting's
    session, a withdrawn invitation or one whose answer the desk refuses too (REFUSED_ANSWERS:
    declined, represented, on the waiting list), SessionClosed outside the session's check-in
    hours (session_hours.OPENS_BEFORE its start until its end) or a cancelled meeting."""
    now = now or timezone.now()
    meeting = session.meeting
    if invitation.meeting_id != session.meeting_id:
        raise NotAllowed
    if invitation.withdrawn_at is not None or invitation.answer in REFUSED_ANSWERS:
        _audit(meeting, session, invitation, ScanAttempt.Result.DECLINED, now)
        raise NotAllowed
    if not is_open(session, now) or meeting.state == Meeting.State.CANCELLED:
        _audit(meeting, session, invitation, ScanAttempt.Result.WRONG_SESSION, now)
        raise SessionClosed
    return _record_self_check_in(invitation, session, signature, now)


@transaction.atomic
def _record_self_check_in(invitation, session, signature, now) -> SelfCheckIn:
    checkin, created = check_in_once(
        invitation=invitation,
        session=session,
        at=now,
        method=CheckIn.Method.SELF,
        operator_name=str(_("Self check-in")),
        signature=signature,
    )
    if not created and signature and not checkin.signature:
        checkin.signature, checkin.signed_at = signature, now
        checkin.save(update_fields=["signature", "signed_at"])
    result = ScanAttempt.Result.OK if created else ScanAttempt.Result.ALREADY
    _audit(session.meeting, session, invitation, result, now)
    return SelfCheckIn(checkin=checkin, created=created)
