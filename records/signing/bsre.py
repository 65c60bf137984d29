"""BSrE's remote signing service (Balai Sertifikasi Elektronik, BSSN: the "esign client
service", API version 2). Shipped disabled: SIGNING_SERVICE=bsre turns it on.

The call, as BSrE's technical guide (Petunjuk Teknis API Esign Client Service v2) documents it:

    POST {SIGNING_BSRE_URL}/api/v2/sign/pdf
    Authorization: Basic base64(SIGNING_BSRE_USER:SIGNING_BSRE_PASSWORD)   (the esign client's)
    Content-Type: application/json
    {"nik": "<the signing official's NIK>", "passphrase": "<their passphrase>",
     "signatureProperties": [{"tampilan": "INVISIBLE", "reason": "…", "location": "…"}],
     "file": ["<the PDF, base64>"]}

    200 {"file": ["<the signed PDF, base64>"], …}
    4xx/5xx {"status_code": …, "error": "…"} (or "message")

BSrE signs with the official's certificate and its own timestamp authority; Rakor stores what
comes back and validates it against SIGNING_TRUST_ROOTS (BSrE's root certificates)."""

import base64
import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from . import SignedPdf, SigningFailed
from .validation import configured_trust_roots, describe

log = logging.getLogger(__name__)

SIGN_PATH = "/api/v2/sign/pdf"


class BsreSigner:
    service = "bsre"

    def __init__(
        self,
        *,
        url: str,
        user: str,
        password: str,
        nik: str,
        passphrase: str,
        timeout: int = 60,
        trust_roots=(),
    ) -> None:
        if not (url and nik and passphrase):
            raise ImproperlyConfigured(
                "SIGNING_SERVICE=bsre needs SIGNING_BSRE_URL, SIGNING_BSRE_NIK and "
                "SIGNING_BSRE_PASSPHRASE."
            )
        if not url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("SIGNING_BSRE_URL must be an http(s):// address.")
        self.url = url.rstrip("/") + SIGN_PATH
        self._credentials = base64.b64encode(f"{user}:{password}".encode()).decode()
        self._nik, self._passphrase = nik, passphrase
        self.timeout = timeout
        self.trust_roots = list(trust_roots)

    def sign(self, pdf: bytes, *, reason: str, location: str) -> SignedPdf:
        body = {
            "nik": self._nik,
            "passphrase": self._passphrase,
            "signatureProperties": [
                {"tampilan": "INVISIBLE", "reason": reason, "location": location}
            ],
            "file": [base64.b64encode(pdf).decode("ascii")],
        }
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked in __init__)
            self.url,
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "Authorization": f"Basic {self._credentials}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.load(response)
            signed = base64.b64decode(answer["file"][0], validate=True)
        except urllib.error.HTTPError as error:
            reported = _reported_error(error)
            log.error("BSrE refused to sign (HTTP %s): %s", error.code, reported)
            raise SigningFailed(
                _("The signing service refused the document: %(error)s") % {"error": reported}
            ) from error
        except (OSError, ValueError, KeyError, IndexError, TypeError) as error:
            log.exception("BSrE could not be reached or answered something else")
            raise SigningFailed() from error
        if not signed.startswith(b"%PDF-"):
            raise SigningFailed()
        try:
            details = describe(signed, service=self.service, trust_roots=self.trust_roots)
        except Exception as error:  # what came back has no signature pyHanko can read
            log.exception("BSrE's answer carries no readable signature")
            raise SigningFailed() from error
        return SignedPdf(pdf=signed, details=details)


def _reported_error(error: urllib.error.HTTPError) -> str:
    try:
        answer = json.loads(error.read() or b"{}")
    except ValueError:
        answer = {}
    return str(answer.get("error") or answer.get("message") or f"HTTP {error.code}")[:200]


def from_settings() -> BsreSigner:
    return BsreSigner(
        url=settings.SIGNING_BSRE_URL,
        user=settings.SIGNING_BSRE_USER,
        password=settings.SIGNING_BSRE_PASSWORD,
        nik=settings.SIGNING_BSRE_NIK,
        passphrase=settings.SIGNING_BSRE_PASSPHRASE,
        timeout=settings.SIGNING_TIMEOUT,
        trust_roots=configured_trust_roots(),
    )
