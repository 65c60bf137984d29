"""The local signer: a PKCS#12 file on this server (settings.SIGNING_PKCS12 and its
passphrase), PAdES with pyHanko. With an RFC 3161 timestamp server (SIGNING_TSA_URL) the
signature is PAdES B-LTA: a signature timestamp, the validation data (certificates, CRLs or
OCSP responses) in the document's DSS, and a document timestamp over them, so it still
validates after the certificate expires. Without one it is B-B with the validation data."""

import logging
from io import BytesIO
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from . import SignedPdf, SigningFailed
from .timestamps import UrllibTimeStamper
from .validation import configured_trust_roots, describe, load_crls

log = logging.getLogger(__name__)

FIELD_NAME = "Rakor"


class _KeyInMemory(signers.Signer):
    """pyHanko's Signer interface over a key loaded once (its SimpleSigner parses the key again
    for every signature, which costs 0.2 s for an RSA key)."""

    def __init__(self, *, key, certificate: asn1_x509.Certificate, chain) -> None:
        super().__init__(
            signing_cert=certificate,
            cert_registry=SimpleCertificateStore.from_certs(chain),
            embed_roots=True,
        )
        self._key = key

    # pyHanko's Signer API, whose callers may pass dry_run by name.
    async def async_sign_raw(
        self,
        data: bytes,
        digest_algorithm: str,
        dry_run=False,  # noqa: ARG002
    ) -> bytes:
        digest = get_pyca_cryptography_hash(digest_algorithm)
        if isinstance(self._key, RSAPrivateKey):
            return self._key.sign(data, PKCS1v15(), digest)
        if isinstance(self._key, EllipticCurvePrivateKey):
            return self._key.sign(data, ECDSA(digest))
        raise SigningFailed("Only RSA and ECDSA signing keys are supported.")


def _asn1(certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))


class Pkcs12Signer:
    service = "pkcs12"

    def __init__(
        self,
        *,
        pkcs12_data: bytes,
        passphrase: str,
        timestamper: TimeStamper | None = None,
        trust_roots: list[asn1_x509.Certificate] | None = None,
        crl_files: list[str] | None = None,
        fetch_revocation: bool = True,
        revocation_mode: str = "hard-fail",
    ) -> None:
        try:
            key, certificate, extra = pkcs12.load_key_and_certificates(
                pkcs12_data, passphrase.encode() or None
            )
        except ValueError as error:
            raise ImproperlyConfigured(
                "SIGNING_PKCS12 could not be opened: wrong SIGNING_PKCS12_PASSPHRASE?"
            ) from error
        if key is None or certificate is None:
            raise ImproperlyConfigured("SIGNING_PKCS12 holds no key with its certificate.")
        self.certificate = _asn1(certificate)
        self.chain = [_asn1(other) for other in extra]
        self_signed = [other for other in self.chain if other.self_signed]
        self.trust_roots = trust_roots or self_signed
        self.crls = load_crls(crl_files or [])
        self.fetch_revocation = fetch_revocation
        self.revocation_mode = revocation_mode
        self.timestamper = timestamper
        self._signer = _KeyInMemory(key=key, certificate=self.certificate, chain=self.chain)

    @classmethod
    def from_settings(cls) -> "Pkcs12Signer":
        path = Path(settings.SIGNING_PKCS12)
        if not path.is_file():
            raise ImproperlyConfigured(f"SIGNING_PKCS12={path} is not a file.")
        return cls(
            pkcs12_data=path.read_bytes(),
            passphrase=settings.SIGNING_PKCS12_PASSPHRASE,
            timestamper=(
                UrllibTimeStamper(settings.SIGNING_TSA_URL, timeout=settings.SIGNING_TIMEOUT)
                if settings.SIGNING_TSA_URL
                else None
            ),
            trust_roots=configured_trust_roots(),
            crl_files=settings.SIGNING_CRLS,
            fetch_revocation=settings.SIGNING_FETCH_REVOCATION,
            revocation_mode=settings.SIGNING_REVOCATION_MODE,
        )

    def sign(self, pdf: bytes, *, reason: str, location: str) -> SignedPdf:
        context = ValidationContext(
            trust_roots=self.trust_roots,
            other_certs=self.chain,
            crls=self.crls,
            allow_fetching=self.fetch_revocation,
            revocation_mode=self.revocation_mode,
        )
        metadata = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            reason=reason,
            location=location,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            embed_validation_info=True,
            use_pades_lta=self.timestamper is not None,
            validation_context=context,
        )
        signer = signers.PdfSigner(metadata, signer=self._signer, timestamper=self.timestamper)
        try:
            signed = signer.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf))).getvalue()
        except Exception as error:  # pyHanko, the certificate's validation, the TSA
            log.exception("Signing with SIGNING_PKCS12 failed")
            raise SigningFailed() from error
        return SignedPdf(
            pdf=signed,
            details=describe(
                signed, service=self.service, trust_roots=self.trust_roots, check_changes=False
            ),
        )


def from_settings() -> Pkcs12Signer:
    return Pkcs12Signer.from_settings()
