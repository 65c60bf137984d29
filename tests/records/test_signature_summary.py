"""What a frozen document records of its signature's validation says what was checked."""

from records.signing.validation import describe

from .pki import asn1
from .support import freeze


def test_the_recorded_validation_of_a_just_signed_pdf_says_its_later_revisions_were_not_analysed(
    signing, meeting, minutes, organizer
):
    """Skipping the difference analysis (check_changes=False) left pyHanko without a verdict
    on the revisions after the signature, which its summary reports as ILLEGAL_MODIFICATIONS."""
    document = freeze(meeting, minutes, organizer)
    full = describe(
        document.pdf_bytes(), service="local", trust_roots=[asn1(signing.authority.root)]
    )

    recorded = document.signature["validation"]
    assert "ILLEGAL_MODIFICATIONS" not in recorded["summary"]
    assert recorded["summary"].endswith(",MODIFICATIONS_NOT_ANALYSED")
    assert recorded["changes_checked"] is False
    # The rest is what a full check finds: the signature and its timestamp intact and trusted.
    assert recorded["summary"].startswith("INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>")
    assert full["validation"]["summary"].startswith(
        "INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>"
    )
    assert full["validation"]["summary"].endswith(",ACCEPTABLE_MODIFICATIONS")
    assert full["validation"]["valid"] == recorded["valid"] is True
