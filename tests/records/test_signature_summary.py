"""What a frozen document records of its signature's validation agrees with a full check."""

from records.signing.validation import describe

from .pki import asn1
from .support import freeze


def test_the_recorded_validation_of_a_just_signed_pdf_does_not_claim_illegal_modifications(
    signing, meeting, minutes, organizer
):
    """Skipping the difference analysis (check_changes=False) left pyHanko without a verdict
    on the revisions after the signature, which its summary reports as ILLEGAL_MODIFICATIONS."""
    document = freeze(meeting, minutes, organizer)
    full = describe(
        document.pdf_bytes(), service="local", trust_roots=[asn1(signing.authority.root)]
    )

    assert "ILLEGAL_MODIFICATIONS" not in document.signature["validation"]["summary"]
    assert document.signature["validation"]["summary"] == full["validation"]["summary"]
