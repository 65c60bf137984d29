"""The venue code, and the pass it gives.

The organizer's venue screen shows a QR code of `/hadir/<code>/` for one session. The code is
an HMAC (keyed by SECRET_KEY) of the session and a 30-second time window, like a TOTP: it
changes every window and is accepted during its own window and the next one (30 to 60
seconds), so a photo of the screen sent to someone outside stops working within a minute.
Opening a valid code gives the page a signed pass for that session, valid for PASS_MAX_AGE,
so that filling in the form or signing may take longer than the code lives.
"""

import time

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from events.models import Session

from .selfcheckin import SelfCheckInError

WINDOW_SECONDS = 30
GRACE_WINDOWS = 1  # the previous window's code still works
PASS_MAX_AGE = 15 * 60
CODE_SALT = "rakor.attendance.venue-code"
PASS_SALT = "rakor.attendance.venue-pass"  # noqa: S105 - a salt, not a password


class CodeExpired(SelfCheckInError):
    message = _(
        "This code has expired. Scan the code on the screen at the venue again: it changes "
        "every 30 seconds."
    )


class CodeInvalid(SelfCheckInError):
    message = _("This is not a valid check-in code. Scan the code on the screen at the venue.")


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
    return _session(session_id)


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
    return _session(session_id)


def _session(session_id: int) -> Session:
    session = Session.objects.select_related("meeting__host_agency").filter(pk=session_id).first()
    if session is None:
        raise CodeInvalid
    return session
