"""What a signed PDF's signature is and whether it is valid, found with pyHanko.

Validation uses what the document carries (its DSS: certificates, CRLs, OCSP responses) and the
trust roots of settings.SIGNING_TRUST_ROOTS (or those the signer brings), never the network:
the answer describes the frozen bytes, the same on every machine.
"""

from collections.abc import Iterable
from datetime import datetime
from io import BytesIO
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils import timezone
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko_certvalidator import ValidationContext

from .authority import DEMO_ORGANIZATION


def load_certificates(paths: Iterable[str]) -> list[asn1_x509.Certificate]:
    """The certificates in PEM or DER files."""
    return list(load_certs_from_pemder([str(path) for path in paths])) if paths else []


def load_crls(paths: Iterable[str]) -> list[asn1_crl.CertificateList]:
    """The CRLs in PEM or DER files."""
    crls: list[asn1_crl.CertificateList] = []
    for path in paths:
        data = Path(path).read_bytes()
        if pem.detect(data):
            crls.extend(asn1_crl.CertificateList.load(der) for _, _, der in pem.unarmor(data, True))
        else:
            crls.append(asn1_crl.CertificateList.load(data))
    return crls


def configured_trust_roots() -> list[asn1_x509.Certificate]:
    return load_certificates(settings.SIGNING_TRUST_ROOTS)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _summary(status, *, check_changes: bool) -> str:
    """pyHanko's summary of the validation. Without the analysis of the later revisions it
    has no verdict on them, which its summary calls ILLEGAL_MODIFICATIONS: it is said as
    what it is instead."""
    summary = status.summary()
    if check_changes:
        return summary
    return summary.replace("ILLEGAL_MODIFICATIONS", "MODIFICATIONS_NOT_ANALYSED")


def describe(
    pdf: bytes,
    *,
    service: str,
    trust_roots: list[asn1_x509.Certificate],
    check_changes: bool = True,
) -> dict:
    """The last signature of `pdf`: who (certificate subject and issuer), its level, its
    timestamp, and what validating it now finds (intact, trusted, valid).
    `check_changes` False skips pyHanko's analysis of the revisions added after the signature
    (the validation data and the document timestamp): for a PDF this process has just signed,
    whose later revisions pyHanko wrote itself. The analysis walks every object of the
    document: a second for a daftar hadir with 180 signature images."""
    reader = PdfFileReader(BytesIO(pdf))
    signature = reader.embedded_regular_signatures[-1]
    options = {
        "trust_roots": trust_roots,
        "allow_fetching": False,
        "revocation_mode": settings.SIGNING_REVOCATION_MODE,
    }
    try:
        dss = DocumentSecurityStore.read_dss(reader)
        context = dss.as_validation_context(options)
    except NoDSSFoundError:
        dss, context = None, ValidationContext(**options)
    status = validate_pdf_signature(
        signature,
        signer_validation_context=context,
        ts_validation_context=context,
        skip_diff=not check_changes,
    )
    certificate = status.signing_cert
    stamp = status.timestamp_validity
    document_stamps = reader.embedded_timestamp_signatures
    if stamp and dss and document_stamps:
        level = "PAdES B-LTA"
    elif stamp and dss:
        level = "PAdES B-LT"
    elif stamp:
        level = "PAdES B-T"
    else:
        level = "PAdES B-B" + (" + LTV" if dss else "")
    return {
        "service": service,
        "level": level,
        "signer": certificate.subject.human_friendly,
        "issuer": certificate.issuer.human_friendly,
        "serial": format(certificate.serial_number, "x"),
        "certificate_valid_until": _iso(certificate.not_valid_after),
        "demo": certificate.subject.native.get("organization_name") == DEMO_ORGANIZATION,
        "signing_time": _iso(status.signer_reported_dt),
        "timestamp": _iso(stamp.timestamp) if stamp else None,
        "timestamp_authority": stamp.signing_cert.subject.human_friendly if stamp else "",
        "document_timestamps": len(document_stamps),
        "validation": {
            "valid": bool(status.bottom_line),
            "intact": bool(status.intact),
            "trusted": bool(status.trusted),
            "summary": _summary(status, check_changes=check_changes),
            "changes_checked": check_changes,
            "checked_at": timezone.now().isoformat(),
        },
    }
