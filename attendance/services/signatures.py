"""Signatures: reading what a signature pad drew, and signing a check-in at the desk.

Signatures close with the session's daftar hadir: at the session's end plus the meeting's grace
(SheetSettings.signature_grace_minutes), or when the organizer closed the sheet, whichever is
first (a grace lengthened afterwards does not reopen a closed sheet). A signature given later
is refused unless an organizer of the meeting allows it with a reason; it is then recorded
(LateSignature: who allowed it, when, why), audited through records.record_change, and marked
on the sheet, whose next closed version carries it. Every other signature given or replaced at
the desk is in the audit trail too.
"""

import base64
import binascii
import io
import struct
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Meeting, Session
from members.models import User

from ..models import CheckIn, LateSignature, SheetSettings
from ..permissions import may_sign_late
from .selfcheckin import SelfCheckInError
from .signature_image import BlankSignature, TooSmallSignature, printable_signature

SIGNATURE_MAX_BYTES = 300 * 1024
SIGNATURE_MAX_SIDE = 3000
# A pad of 640 × 176 points at 4 pixels per point is 1.8 million: more is not a pad's, and
# reading it would take 100 MB and 0.2 s.
SIGNATURE_MAX_PIXELS = 4_000_000
SIGNATURE_MIN_SIDE = 20
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class SignatureInvalid(SelfCheckInError):
    message = _("The signature could not be read. Please sign again.")


class SignatureBlank(SignatureInvalid):
    message = _("The signature box is empty. Please sign in the box.")


class SignatureTooSmall(SignatureInvalid):
    message = _("The signature is too small. Please sign larger, across the box.")


def decode_signature(data_url: str) -> bytes:
    """The signature of a signature pad's data URL, as Rakor keeps it (signature_image);
    SignatureInvalid for anything that is not a PNG of sensible size (at most
    SIGNATURE_MAX_BYTES, sides between SIGNATURE_MIN_SIDE and SIGNATURE_MAX_SIDE pixels),
    SignatureBlank for one with nothing drawn, SignatureTooSmall for a dot or a small mark."""
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
    if width * height > SIGNATURE_MAX_PIXELS:
        raise SignatureInvalid
    from PIL import Image

    try:
        # The chunks and their checksums, not only the head; Pillow raises many kinds of error.
        Image.open(io.BytesIO(png)).verify()
        image = Image.open(io.BytesIO(png))
        image.load()
    except Exception:
        raise SignatureInvalid from None
    try:
        return printable_signature(image)
    except BlankSignature:
        raise SignatureBlank from None
    except TooSmallSignature:
        raise SignatureTooSmall from None
    except Exception:  # Pillow, on an image it read but cannot convert
        raise SignatureInvalid from None


LATE_REASON_MAX_LENGTH = 300


class LateSignatureRefused(SelfCheckInError):
    message = _(
        "Signatures for this session are closed. An organizer may still add one, with the reason."
    )


def sheet_settings(meeting: Meeting) -> SheetSettings:
    """The meeting's daftar hadir settings; the defaults (unsaved) when it has none."""
    found = SheetSettings.objects.filter(meeting_id=meeting.pk).first()
    return found or SheetSettings(meeting=meeting)


def signatures_close_at(session: Session, settings: SheetSettings | None = None) -> datetime:
    """When signing closes for `session`: its end plus the meeting's grace."""
    settings = settings or sheet_settings(session.meeting)
    return session.ends_at + timedelta(minutes=settings.signature_grace_minutes)


@transaction.atomic
def sign_check_in(
    *,
    checkin: CheckIn,
    signature: bytes,
    by: User | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> CheckIn:
    """Store the signature of a check-in (a new one replaces the old: signing again at the
    desk is how a bad scribble is corrected), with the time it was given.

    After signatures closed (signatures_close_at), only an organizer of the meeting (`by`) with
    a reason may add or replace one: otherwise LateSignatureRefused, and nothing is written.
    The late signature is then recorded with who allowed it and when, and audited."""
    now = now or timezone.now()
    checkin = (
        CheckIn.objects.select_for_update(of=("self",))
        .select_related("session__meeting", "invitation__member")
        .get(pk=checkin.pk)
    )
    session = checkin.session
    late = signatures_closed(session, now)
    reason = " ".join((reason or "").split())
    allowed_by = None  # who allowed a late signature
    if late:
        if by is None or not may_sign_late(by, session.meeting):
            raise LateSignatureRefused
        if not reason:
            raise LateSignatureRefused(
                _("Signatures for this session are closed: give the reason for this one.")
            )
        if len(reason) > LATE_REASON_MAX_LENGTH:
            raise LateSignatureRefused(
                _("Keep the reason under %(count)d characters.") % {"count": LATE_REASON_MAX_LENGTH}
            )
        allowed_by = by
    had_signature = checkin.signature is not None
    checkin.signature, checkin.signed_at = signature, now
    checkin.save(update_fields=["signature", "signed_at"])
    if allowed_by is not None:
        _record_late_signature(
            checkin=checkin, by=allowed_by, reason=reason, now=now, replaced=had_signature
        )
    else:
        _record_signature(checkin=checkin, by=by, now=now, replaced=had_signature)
    return checkin


def signatures_closed(session: Session, now: datetime | None = None) -> bool:
    """Whether a signature for `session` is late: past signatures_close_at, or after the
    organizer closed its daftar hadir (a version of it is frozen)."""
    from records.services import latest_frozen

    from .sheets import KIND

    if (now or timezone.now()) > signatures_close_at(session):
        return True
    return latest_frozen(meeting=session.meeting, kind=KIND, subject=session) is not None


def _record_signature(*, checkin: CheckIn, by: User | None, now: datetime, replaced: bool) -> None:
    from records.services import record_change

    record_change(
        actor=by,
        meeting=checkin.session.meeting,
        obj=checkin,
        action="signature.replaced" if replaced else "signature.added",
        before={"signed": replaced},
        after={
            "signed": True,
            "signed_at": now.isoformat(),
            "person": checkin.invitation.member.full_name,
            "session": checkin.session.title,
        },
    )


def _record_late_signature(
    *, checkin: CheckIn, by: User, reason: str, now: datetime, replaced: bool
) -> None:
    from records.services import record_change

    LateSignature.objects.update_or_create(
        checkin=checkin,
        defaults={
            "reason": reason,
            "allowed_by": by,
            "allowed_by_name": by.get_full_name() or by.email,
            "allowed_at": now,
        },
    )
    record_change(
        actor=by,
        meeting=checkin.session.meeting,
        obj=checkin,
        action="signature.added_late",
        before={"signed": replaced},
        after={
            "signed": True,
            "signed_at": now.isoformat(),
            "person": checkin.invitation.member.full_name,
            "session": checkin.session.title,
            "reason": reason,
        },
        reason=reason,
    )
