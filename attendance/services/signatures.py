"""Signatures: reading what a signature pad drew, and signing a check-in at the desk."""

import base64
import binascii
import io
import struct

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ..models import CheckIn
from .selfcheckin import SelfCheckInError

SIGNATURE_MAX_BYTES = 300 * 1024
SIGNATURE_MAX_SIDE = 3000
SIGNATURE_MIN_SIDE = 20
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class SignatureInvalid(SelfCheckInError):
    message = _("The signature could not be read. Please sign again.")


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


@transaction.atomic
def sign_check_in(*, checkin: CheckIn, signature: bytes) -> CheckIn:
    """Store the signature of a check-in (a new one replaces the old: signing again at the
    desk is how a bad scribble is corrected)."""
    checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    checkin.signature = signature
    checkin.save(update_fields=["signature"])
    return checkin
