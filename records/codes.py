"""Verification codes printed on frozen documents.

140 random bits written in Crockford's base32 (digits and capitals without I, L, O, U), 28
characters shown in seven groups of four, e.g. ``K7QD-2M9X-…``: at least 128 bits as every
secret link (WAVE2), yet typeable from paper. Reading a typed code forgives case, spaces and
dashes, and the letters people confuse with digits (O for 0, I and L for 1). Only the SHA-256
of the code is stored, so a copy of the database does not hold working codes.
"""

import base64
import hashlib
import io
import re
import secrets

import segno
from django.conf import settings
from django.urls import reverse

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 28  # 28 × 5 = 140 bits
GROUP = 4
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.]+")
_SHAPE = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")


def new_code() -> str:
    """A fresh code, grouped for printing."""
    number = secrets.randbits(LENGTH * 5)
    chars = []
    for _ in range(LENGTH):
        number, digit = divmod(number, 32)
        chars.append(ALPHABET[digit])
    return grouped("".join(chars))


def grouped(code: str) -> str:
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalised(typed: str) -> str | None:
    """The code as stored (28 characters, no dashes), or None when `typed` cannot be one."""
    code = _SEPARATORS.sub("", typed[:80]).upper().translate(_CONFUSABLE)
    return code if _SHAPE.fullmatch(code) else None


def code_hash(code: str) -> str:
    """What is stored for a code: the SHA-256 of its normalised form."""
    plain = normalised(code)
    if plain is None:
        raise ValueError("Not a verification code.")
    return hashlib.sha256(plain.encode()).hexdigest()


def verification_url(code: str) -> str:
    """The absolute short URL printed with the QR code."""
    return settings.SITE_URL + reverse("records:verify", kwargs={"code": code})


QR_PIXELS_PER_MODULE = 4


def qr_png(url: str) -> str:
    """The QR code of `url` as a PNG of a few hundred bytes in a data: URI, for an <img> that
    a PDF template prints on every page: one small image the PDF holds once and each page
    draws, where an inline SVG was drawn again on each page (templates/core/pdf/_stamp.html
    sizes it and keeps its modules sharp)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=QR_PIXELS_PER_MODULE, border=2)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
