"""The 6-digit code that confirms a registration's email address: made, kept only as a keyed
hash, checked (5 attempts, 30 minutes), emailed, and limited to a few per hour per address and
meeting and per client address."""

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language, gettext_lazy, override
from django.utils.translation import gettext as _

from core.counters import Limit
from core.dates import format_moment
from outbox.models import Kind
from outbox.services import queue_message

from ..models import Meeting, Registration
from ..snapshot import SessionInfo, session_line
from .registration_scope import RegistrationError

CODE_DIGITS = 6
CODE_VALID_FOR = timedelta(minutes=30)
CODE_ATTEMPTS = 5
# Codes sent per email address and meeting, and per client address, in an hour.
CODES_PER_EMAIL = Limit("register-email", allowed=3, window=3600)
CODES_PER_IP = Limit("register-ip", allowed=20, window=3600)


class RateLimited(RegistrationError):
    message = gettext_lazy(
        "Too many codes were asked for. Please wait an hour and try again, or check your "
        "inbox and spam folder for the code already sent."
    )


class CodeInvalid(RegistrationError):
    """A wrong code; `attempts_left` more tries remain for this code."""

    def __init__(self, attempts_left: int):
        self.attempts_left = attempts_left
        super().__init__(gettext_lazy("That code is not right. Check the email and try again."))


class CodeExpired(RegistrationError):
    message = gettext_lazy("This code is no longer valid. Ask for a new code.")


def count_code(meeting: Meeting, *, email: str, ip_address: str | None) -> None:
    """Count one code sent against both hourly limits, or raise RateLimited counting nothing."""
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    limits = [(CODES_PER_EMAIL, f"{meeting.pk}:{address}")]
    if ip_address:
        limits.append((CODES_PER_IP, ip_address))
    if any(limit.reached(who) for limit, who in limits):
        raise RateLimited
    for limit, who in limits:
        limit.count(who)


def _code_hash(registration: Registration, code: str) -> str:
    # Keyed with SECRET_KEY: a copy of the database alone cannot try the million codes.
    value = f"{registration.meeting_id}:{registration.email.lower()}:{code}"
    return salted_hmac("rakor.registration-code", value, algorithm="sha256").hexdigest()


def new_code(registration: Registration) -> str:
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    registration.code_hash = _code_hash(registration, code)
    registration.code_expires_at = timezone.now() + CODE_VALID_FOR
    registration.code_attempts = 0
    return code


def check_code(registration: Registration, code: str) -> RegistrationError | None:
    """None when `code` is right and still valid; else the error, a wrong try counted."""
    if (
        not registration.code_hash
        or registration.code_expires_at is None
        or registration.code_expires_at <= timezone.now()
        or registration.code_attempts >= CODE_ATTEMPTS
    ):
        return CodeExpired()
    code = re.sub(r"\D", "", code or "")
    if hmac.compare_digest(_code_hash(registration, code), registration.code_hash):
        return None
    registration.code_attempts += 1
    registration.save(update_fields=["code_attempts"])
    left = CODE_ATTEMPTS - registration.code_attempts
    return CodeInvalid(left) if left > 0 else CodeExpired()


def send_code(registration: Registration, code: str) -> None:
    meeting = registration.meeting
    expires_at = registration.code_expires_at
    assert expires_at is not None  # new_code set it
    first = meeting.sessions.first()
    with override(get_language() or settings.LANGUAGE_CODE):
        when = ""
        if first is not None:
            shown = SessionInfo(title=first.title, starts_at=first.starts_at, ends_at=first.ends_at)
            when = session_line(shown, meeting.time_zone)
        # The code stays out of the subject: organizers who are not staff see every subject
        # in the outbox list (and can search it), never a body.
        subject = _("Your registration code for %(title)s") % {"title": meeting.title}
        body = "\n".join(
            [
                _("Someone, hopefully you, asked to register this address for the meeting:"),
                "",
                f"  {meeting.title}",
                f"  {meeting.host_agency}",
                f"  {when}",
                "",
                _("Your code is:"),
                "",
                f"    {code}",
                "",
                _("Type it on the registration page. It is valid until %(time)s.")
                % {"time": format_moment(expires_at, meeting.time_zone)},
                _(
                    "If you did not ask for it, ignore this email: without the code nothing "
                    "happens and nobody is registered."
                ),
                "",
                f"Rakor · {meeting.host_agency}",
            ]
        )
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body + "\n",
        to=[registration.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    queue_message(message=message, kind=Kind.REGISTRATION, topic=f"registration:{meeting.pk}")
