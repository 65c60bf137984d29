"""Electronic signatures of frozen PDFs (PAdES), behind a small interface.

A signer takes a PDF's bytes and gives back the signed bytes with a description of the
signature (JSON-able: who signed, the certificate, the level, the timestamp, what the
validation found). settings.SIGNING_SERVICE chooses the one in use: "" (documents are frozen
unsigned), "pkcs12" (a certificate file on this server, signed with pyHanko) or "bsre" (BSrE's
remote signing service, shipped disabled). See the README's "Signatures" section.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class SignedPdf:
    pdf: bytes
    details: dict


class Signer(Protocol):
    def sign(self, pdf: bytes, *, reason: str, location: str) -> SignedPdf: ...


class SigningFailed(Exception):
    """The document could not be signed (the certificate, the timestamp server or the remote
    service failed); nothing was frozen. The message is for the user, the cause is chained."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or _("The document could not be signed. Please try again later."))


# settings.SIGNING_SERVICE: what makes its signer from the settings.
BACKENDS: dict[str, str] = {
    "pkcs12": "records.signing.local.from_settings",
    "bsre": "records.signing.bsre.from_settings",
}


def configured_signer() -> Signer | None:
    """The signer settings.SIGNING_SERVICE names, or None when documents are not signed. It
    is made once per process and configuration (loading a certificate takes a while)."""
    backend = settings.SIGNING_SERVICE
    if not backend:
        return None
    if backend not in BACKENDS:
        raise ImproperlyConfigured(f"SIGNING_SERVICE={backend!r} is not one of {sorted(BACKENDS)}")
    names = sorted(name for name in dir(settings) if name.startswith("SIGNING_"))
    return _made(BACKENDS[backend], tuple(str(getattr(settings, name)) for name in names))


@lru_cache(maxsize=2)
def _made(factory: str, settings_key: tuple) -> Signer:  # noqa: ARG001 (the cache's key)
    return import_string(factory)()
