"""Frozen PDFs are signed (PAdES) with the configured certificate, and pyHanko validates them
against the test CA, also after the certificate has expired."""

import asyncio
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.ades import simulate_future_ades_lta_validation
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)
from pyhanko_certvalidator.registry import SimpleTrustManager

from records.models import FrozenDocument, RecordFile
from records.signing import SigningFailed, configured_signer
from records.signing.local import Pkcs12Signer

from .pki import PASSPHRASE, asn1
from .support import freeze, simple_render


def pyhanko_status(pdf: bytes, pki):
    """What pyHanko says of the document's signature, against the test CA, from the
    validation data the document carries (no network)."""
    reader = PdfFileReader(BytesIO(pdf))
    context = DocumentSecurityStore.read_dss(reader).as_validation_context(
        {"trust_roots": [asn1(pki.authority.root)], "allow_fetching": False}
    )
    return validate_pdf_signature(
        reader.embedded_regular_signatures[0],
        signer_validation_context=context,
        ts_validation_context=context,
    )


def long_term_validation(pdf: bytes, pki, *, at):
    """pyHanko's PAdES long-term check: would the signature validate at `at`, with what the
    document carries and its timestamp chain kept up (ETSI EN 319 102-1 LTA validation)?"""
    signature = PdfFileReader(BytesIO(pdf)).embedded_regular_signatures[0]
    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=CertValidationPolicySpec(
                trust_manager=SimpleTrustManager.build(trust_roots=[asn1(pki.authority.root)]),
                revinfo_policy=CertRevTrustPolicy(
                    RevocationCheckingPolicy(
                        ee_certificate_rule=RevocationCheckingRule.CHECK_IF_DECLARED,
                        intermediate_ca_cert_rule=RevocationCheckingRule.CHECK_IF_DECLARED,
                    )
                ),
            ),
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
        )
    )
    return asyncio.run(
        simulate_future_ades_lta_validation(signature, spec, future_validation_time=at)
    ).ades_subindic


def test_a_frozen_pdf_is_signed_b_lta_and_pyhanko_validates_it(
    signing, meeting, minutes, organizer
):
    document = freeze(meeting, minutes, organizer)

    stored = document.pdf_bytes()
    status = pyhanko_status(stored, signing)
    assert status.bottom_line
    assert status.intact
    assert status.trusted
    assert status.signing_cert.subject.native["common_name"] == (
        "Sekretariat Balitbang Diklat (uji)"
    )
    assert status.timestamp_validity is not None  # signature timestamp (B-T)
    reader = PdfFileReader(BytesIO(stored))
    assert DocumentSecurityStore.read_dss(reader).crls  # revocation data embedded (B-LT)
    assert len(reader.embedded_timestamp_signatures) == 1  # document timestamp (B-LTA)
    assert document.signed
    assert document.signature["level"] == "PAdES B-LTA"
    assert document.signature["validation"]["valid"] is True
    assert "Notulen Rapat Koordinasi, versi 1" in str(
        reader.embedded_regular_signatures[0].sig_object["/Reason"]
    )


def test_the_signature_still_validates_after_the_certificate_expires(
    signing, meeting, minutes, organizer
):
    document = freeze(meeting, minutes, organizer)
    expired = signing.signer.certificate.not_valid_after_utc + timedelta(days=365)

    assert long_term_validation(document.pdf_bytes(), signing, at=expired) == AdESPassed.OK


def test_without_a_timestamp_server_the_signature_carries_its_validation_data_only(
    signing, settings, meeting, minutes, organizer
):
    settings.SIGNING_TSA_URL = ""

    document = freeze(meeting, minutes, organizer)

    stored = document.pdf_bytes()
    assert pyhanko_status(stored, signing).bottom_line
    assert DocumentSecurityStore.read_dss(PdfFileReader(BytesIO(stored))).crls
    assert document.signature["level"] == "PAdES B-B + LTV"
    assert document.signature["timestamp"] is None
    # Nothing proves when it was signed, so nothing proves it once the certificate expired.
    expired = signing.signer.certificate.not_valid_after_utc + timedelta(days=365)
    assert long_term_validation(stored, signing, at=expired) != AdESPassed.OK


def test_a_revoked_certificate_signs_nothing_and_nothing_is_frozen(
    signing, settings, meeting, minutes, organizer
):
    revoked = signing.authority.issue("Pejabat yang dicabut", days=365)
    signing.authority.revoked.append(revoked.certificate.serial_number)
    try:
        files = signing.write(signer=revoked)
    finally:
        signing.authority.revoked.clear()
    settings.SIGNING_PKCS12, settings.SIGNING_CRLS = files["pkcs12"], [files["crl"]]

    with pytest.raises(SigningFailed):
        freeze(meeting, minutes, organizer)

    assert not FrozenDocument.objects.exists()
    assert not RecordFile.objects.exists()


def test_an_expired_certificate_signs_nothing(signing, settings, meeting, minutes, organizer):
    from datetime import UTC, datetime

    old = signing.authority.issue(
        "Pejabat lama", days=30, starts=datetime.now(UTC) - timedelta(days=60)
    )
    settings.SIGNING_PKCS12 = signing.write(signer=old)["pkcs12"]

    with pytest.raises(SigningFailed):
        freeze(meeting, minutes, organizer)
    assert not FrozenDocument.objects.exists()


@pytest.mark.usefixtures("signing")
def test_a_timestamp_server_that_does_not_answer_freezes_nothing(
    settings, meeting, minutes, organizer
):
    settings.SIGNING_TSA_URL = "http://127.0.0.1:9/"  # discard port: nothing listens
    settings.SIGNING_TIMEOUT = 2

    with pytest.raises(SigningFailed):
        freeze(meeting, minutes, organizer)
    assert not FrozenDocument.objects.exists()


@pytest.mark.usefixtures("signing")
def test_a_wrong_passphrase_is_a_configuration_error_and_freezes_nothing(
    settings, meeting, minutes, organizer
):
    settings.SIGNING_PKCS12_PASSPHRASE = PASSPHRASE + "x"

    with pytest.raises(ImproperlyConfigured):
        configured_signer()
    with pytest.raises(SigningFailed):  # the user is told, the administrator finds it logged
        freeze(meeting, minutes, organizer)
    assert not FrozenDocument.objects.exists()


@pytest.mark.usefixtures("signing")
def test_the_verification_page_reports_a_valid_signature(client, meeting, minutes, organizer):
    from django.urls import reverse

    from .support import page_text

    render = simple_render()
    freeze(meeting, minutes, organizer, render=render)
    client.cookies["django_language"] = "en"

    text = page_text(client.get(reverse("records:verify", kwargs={"code": render.stamps[0].code})))

    assert "The signature is valid" in text
    assert "Sekretariat Balitbang Diklat (uji)" in text
    assert "PAdES B-LTA" in text
    assert "Rakor Test TSA" in text


def test_the_validation_context_needs_no_network(signing):
    # The signer's own trust: what SIGNING_TRUST_ROOTS names, never the system's list.
    signer = configured_signer()
    assert isinstance(signer, Pkcs12Signer)
    assert [root.subject for root in signer.trust_roots] == [asn1(signing.authority.root).subject]
    assert isinstance(ValidationContext(trust_roots=signer.trust_roots), ValidationContext)
