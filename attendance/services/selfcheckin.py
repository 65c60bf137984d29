"""Self check-in at the venue, walk-ins and signatures.

The venue code. The organizer's venue screen shows a QR code of `/hadir/<code>/` for one
session. The code is an HMAC (keyed by SECRET_KEY) of the session and a 30-second time window,
like a TOTP: it changes every window and is accepted during its own window and the next one
(30 to 60 seconds), so a photo of the screen sent to someone outside stops working within a
minute. Opening a valid code gives the page a signed pass for that session, valid for
PASS_MAX_AGE, so that filling in the form or signing may take longer than the code lives.

Who may check themselves in: the holder of an invitation to the meeting that is not withdrawn,
declined or handed to a representative, recognised by the signed cookie set when they opened
their answer link (or ticket) in this browser, or by their signed-in account. Everyone else
registers as a walk-in, which the organizers accept (a member, an invitation and a check-in)
or reject. One check-in per person and session, as everywhere: the database says so.
"""

import base64
import binascii
import io
import struct
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from events.models import Invitation, Meeting, Session
from members.models import Agency, Member, User

from ..models import CheckIn, ScanAttempt, WalkIn

WINDOW_SECONDS = 30
GRACE_WINDOWS = 1  # the previous window's code still works
PASS_MAX_AGE = 15 * 60
CODE_SALT = "rakor.attendance.venue-code"
PASS_SALT = "rakor.attendance.venue-pass"  # noqa: S105 - a salt, not a password
COOKIE_SALT = "rakor.attendance.invitation"
COOKIE_PREFIX = "rakor_inv_"
COOKIE_MAX_AGE = 90 * 24 * 3600
# Self check-in opens this long before a session starts and closes when it ends.
OPENS_BEFORE = timedelta(hours=2)
NOT_FOR_SELF_CHECK_IN = (Invitation.Answer.NO, Invitation.Answer.REPRESENTED)
SIGNATURE_MAX_BYTES = 300 * 1024
SIGNATURE_MAX_SIDE = 3000
SIGNATURE_MIN_SIDE = 20
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class SelfCheckInError(Exception):
    message = _("Self check-in is not possible.")

    def __init__(self, message=None):
        super().__init__(message or self.message)
        if message:
            self.message = message


class CodeExpired(SelfCheckInError):
    message = _(
        "This code has expired. Scan the code on the screen at the venue again: it changes "
        "every 30 seconds."
    )


class CodeInvalid(SelfCheckInError):
    message = _("This is not a valid check-in code. Scan the code on the screen at the venue.")


class SessionClosed(SelfCheckInError):
    message = _("Check-in for this session is closed.")


class NotAllowed(SelfCheckInError):
    message = _(
        "Your invitation does not allow checking in (declined, represented or withdrawn). "
        "Please see the registration desk."
    )


class WalkInExists(SelfCheckInError):
    message = _("Someone with this email has already registered for this session.")


class WalkInDecided(SelfCheckInError):
    message = _("This walk-in has already been reviewed.")


class SignatureInvalid(SelfCheckInError):
    message = _("The signature could not be read. Please sign again.")


# --- The venue code ---------------------------------------------------------------------------


def _window(at: float | None = None) -> int:
    return int((time.time() if at is None else at) // WINDOW_SECONDS)


def _mac(session_id: int, window: int) -> str:
    return salted_hmac(CODE_SALT, f"{session_id}:{window}", algorithm="sha256").hexdigest()[:32]


def venue_code(*, session: Session, at: float | None = None) -> str:
    """The code shown on the venue screen now (or at the POSIX time `at`)."""
    window = _window(at)
    return f"{session.pk}-{window}-{_mac(session.pk, window)}"


def seconds_left(at: float | None = None) -> int:
    """Seconds until the venue screen's code changes."""
    now = time.time() if at is None else at
    return WINDOW_SECONDS - int(now % WINDOW_SECONDS)


def session_for_code(code: str, *, at: float | None = None) -> Session:
    """The session a venue code is for; CodeInvalid for anything forged or malformed,
    CodeExpired for a genuine code older than the grace."""
    parts = (code or "")[:100].split("-")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        raise CodeInvalid
    session_id, window = int(parts[0]), int(parts[1])
    if not constant_time_compare(_mac(session_id, window), parts[2]):
        raise CodeInvalid
    now = _window(at)
    if window > now:
        raise CodeInvalid
    if now - window > GRACE_WINDOWS:
        raise CodeExpired
    session = Session.objects.select_related("meeting__host_agency").filter(pk=session_id).first()
    if session is None:
        raise CodeInvalid
    return session


def issue_pass(*, session: Session) -> str:
    """A signed pass for the forms of the self check-in page, valid PASS_MAX_AGE."""
    return signing.dumps(session.pk, salt=PASS_SALT)


def session_for_pass(token: str) -> Session:
    try:
        session_id = signing.loads(token or "", salt=PASS_SALT, max_age=PASS_MAX_AGE)
    except signing.SignatureExpired:
        raise CodeExpired from None
    except signing.BadSignature:
        raise CodeInvalid from None
    session = Session.objects.select_related("meeting__host_agency").filter(pk=session_id).first()
    if session is None:
        raise CodeInvalid
    return session


def current_session(*, meeting: Meeting, now: datetime | None = None) -> Session | None:
    """The session under way (or the next one open for check-in), else the next to come,
    else the last one."""
    now = now or timezone.now()
    sessions = list(meeting.sessions.all())
    for session in sessions:
        if session.starts_at - OPENS_BEFORE <= now <= session.ends_at:
            return session
    upcoming = [s for s in sessions if s.starts_at > now]
    return upcoming[0] if upcoming else (sessions[-1] if sessions else None)


def is_open(session: Session, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return session.starts_at - OPENS_BEFORE <= now <= session.ends_at


# --- Who is at the phone ----------------------------------------------------------------------


def cookie_name(meeting_id: int) -> str:
    return f"{COOKIE_PREFIX}{meeting_id}"


def remember_invitation(response, *, request, invitation: Invitation) -> None:
    """Let this browser check itself in later: a signed, HttpOnly cookie naming the invitation,
    for its meeting only."""
    response.set_signed_cookie(
        cookie_name(invitation.meeting_id),
        str(invitation.pk),
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        secure=request.is_secure() or settings.HTTPS,
        samesite="Lax",
    )


def invitation_for_visitor(*, request, meeting: Meeting) -> Invitation | None:
    """The invitation to `meeting` of whoever holds this browser: from the cookie of their
    answer link, else from their signed-in account. Withdrawn invitations do not count."""
    invitations = Invitation.objects.select_related("member__agency").filter(
        meeting=meeting, withdrawn_at__isnull=True
    )
    value = request.get_signed_cookie(
        cookie_name(meeting.pk), default=None, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE
    )
    if value and value.isdigit():
        invitation = invitations.filter(pk=int(value)).first()
        if invitation is not None:
            return invitation
    if request.user.is_authenticated:
        return invitations.filter(member__user=request.user).first()
    return None


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
    session or a declined, represented or withdrawn invitation, SessionClosed outside the
    session's check-in hours (OPENS_BEFORE its start until its end) or a cancelled meeting."""
    now = now or timezone.now()
    meeting = session.meeting
    if invitation.meeting_id != session.meeting_id:
        raise NotAllowed
    if invitation.withdrawn_at is not None or invitation.answer in NOT_FOR_SELF_CHECK_IN:
        _audit(meeting, session, invitation, ScanAttempt.Result.DECLINED, now)
        raise NotAllowed
    if not is_open(session, now) or meeting.state == Meeting.State.CANCELLED:
        _audit(meeting, session, invitation, ScanAttempt.Result.WRONG_SESSION, now)
        raise SessionClosed
    return _record_self_check_in(invitation, session, signature, now)


@transaction.atomic
def _record_self_check_in(invitation, session, signature, now) -> SelfCheckIn:
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                invitation=invitation,
                session=session,
                at=now,
                method=CheckIn.Method.SELF,
                operator_name=str(_("Self check-in")),
                signature=signature,
            )
        created = True
    except IntegrityError:
        checkin = CheckIn.objects.select_for_update().get(invitation=invitation, session=session)
        created = False
        if signature and not checkin.signature:
            checkin.signature = signature
            checkin.save(update_fields=["signature"])
    result = ScanAttempt.Result.OK if created else ScanAttempt.Result.ALREADY
    _audit(session.meeting, session, invitation, result, now)
    return SelfCheckIn(checkin=checkin, created=created)


def _audit(meeting, session, invitation, result, now) -> None:
    ScanAttempt.objects.create(
        meeting=meeting,
        session=session,
        invitation=invitation,
        result=result,
        scanned_at=now,
        detail="self check-in",
    )


@transaction.atomic
def sign_check_in(*, checkin: CheckIn, signature: bytes) -> CheckIn:
    """Store the signature of a check-in (a new one replaces the old: signing again at the
    desk is how a bad scribble is corrected)."""
    checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    checkin.signature = signature
    checkin.save(update_fields=["signature"])
    return checkin


# --- Walk-ins ---------------------------------------------------------------------------------


@transaction.atomic
def register_walk_in(
    *,
    session: Session,
    full_name: str,
    agency_name: str,
    email: str,
    nip: str = "",
    position: str = "",
    phone: str = "",
    signature: bytes | None = None,
) -> WalkIn:
    """Record someone without an invitation who came to the venue, for the organizers to
    review. One per email and session (WalkInExists for a second)."""
    if not is_open(session):
        raise SessionClosed
    try:
        with transaction.atomic():
            return WalkIn.objects.create(
                meeting=session.meeting,
                session=session,
                full_name=" ".join(full_name.split()),
                agency_name=" ".join(agency_name.split()),
                email=email.strip().lower(),
                nip=nip,
                position=position,
                phone=phone,
                signature=signature,
            )
    except IntegrityError:
        raise WalkInExists from None


@transaction.atomic
def accept_walk_in(*, walk_in: WalkIn, decided_by: User) -> CheckIn:
    """The walk-in becomes a member (the one with that email, else a new one), an accepted
    invitation to the meeting and a check-in to the session at the time they registered."""
    walk_in = _lock_pending(walk_in)
    member = Member.objects.select_for_update().filter(email__iexact=walk_in.email).first()
    if member is None:
        member = Member.objects.create(
            full_name=walk_in.full_name,
            email=walk_in.email,
            nip=walk_in.nip,
            position=walk_in.position,
            phone=walk_in.phone,
            agency=_agency_named(walk_in.agency_name),
        )
    invitation, created = Invitation.objects.get_or_create(
        meeting=walk_in.meeting,
        member=member,
        defaults={
            "answer": Invitation.Answer.YES,
            "answered_at": walk_in.created_at,
            "invited_by": decided_by,
        },
    )
    if not created and (
        invitation.withdrawn_at is not None or invitation.answer != Invitation.Answer.YES
    ):
        invitation.withdrawn_at = None
        invitation.answer, invitation.answered_at = Invitation.Answer.YES, timezone.now()
        invitation.save(update_fields=["withdrawn_at", "answer", "answered_at"])
    checkin, _created = CheckIn.objects.get_or_create(
        invitation=invitation,
        session=walk_in.session,
        defaults={
            "at": walk_in.created_at,
            "method": CheckIn.Method.WALK_IN,
            "operator": decided_by,
            "operator_name": decided_by.get_full_name() or decided_by.email,
            "signature": walk_in.signature,
        },
    )
    walk_in.state, walk_in.invitation = WalkIn.State.ACCEPTED, invitation
    walk_in.save(update_fields=["state", "invitation"])
    return checkin


@transaction.atomic
def reject_walk_in(*, walk_in: WalkIn, decided_by: User) -> WalkIn:
    walk_in = _lock_pending(walk_in)
    walk_in.state = WalkIn.State.REJECTED
    walk_in.save(update_fields=["state"])
    return walk_in


def _lock_pending(walk_in: WalkIn) -> WalkIn:
    walk_in = (
        WalkIn.objects.select_for_update(of=("self",))
        .select_related("meeting", "session")
        .get(pk=walk_in.pk)
    )
    if walk_in.state != WalkIn.State.PENDING:
        raise WalkInDecided
    return walk_in


def _agency_named(name: str) -> Agency:
    """The agency by name or acronym, else a new one with that name."""
    found = list(Agency.objects.filter(Q(name__iexact=name) | Q(acronym__iexact=name))[:2])
    if len(found) == 1:
        return found[0]
    agency, _created = Agency.objects.get_or_create(name__iexact=name, defaults={"name": name})
    return agency


# --- Signatures -------------------------------------------------------------------------------


def decode_signature(data_url: str) -> bytes:
    """The PNG bytes of a signature pad's data URL; SignatureInvalid for anything that is not
    a PNG of sensible size (at most SIGNATURE_MAX_BYTES, sides between SIGNATURE_MIN_SIDE and
    SIGNATURE_MAX_SIDE pixels)."""
    prefix = "data:image/png;base64,"
    if not data_url or not data_url.startswith(prefix):
        raise SignatureInvalid
    encoded = data_url[len(prefix) :]
    if len(encoded) > SIGNATURE_MAX_BYTES * 4 // 3 + 4:
        raise SignatureInvalid
    try:
        png = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureInvalid from None
    if len(png) > SIGNATURE_MAX_BYTES or len(png) < 33 or not png.startswith(PNG_MAGIC):
        raise SignatureInvalid
    # The first chunk of a PNG is IHDR: length 13, type, width and height (big-endian).
    length, kind, width, height = struct.unpack(">I4sII", png[8:24])
    if length != 13 or kind != b"IHDR":
        raise SignatureInvalid
    if min(width, height) < SIGNATURE_MIN_SIDE or max(width, height) > SIGNATURE_MAX_SIDE:
        raise SignatureInvalid
    try:
        from PIL import Image

        # The chunks and their checksums, not only the head; Pillow raises many kinds of error.
        Image.open(io.BytesIO(png)).verify()
    except Exception:
        raise SignatureInvalid from None
    return png
