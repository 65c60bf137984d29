"""The surat undangan of a meeting: saving it, marking it final, uploading the letter signed in
the ministry's e-office (SRIKANDI) instead, and the ralat after the meeting changed.

A final letter is a record: each finalisation, upload or ralat is frozen through the records
app as the next version (kind "surat_undangan", subject the InvitationLetter), the one before
marked superseded; the newest version is what every invitation and update email carries, stored
once and referenced by the outbox rows (letter_attachments). The letter's number is the
meeting's letter number, cited everywhere else (issued_letter: "Dasar: Surat Undangan Nomor …
tanggal …" in the notulen).

A change of the meeting's time or place after the letter is final issues a ralat in the same
transaction (issue_ralat_after_change, from update_meeting), so the update email that the
change sends carries it; the organizer can issue one by hand for any other change (a new
agenda, a new number) and upload a signed ralat later.
"""

import logging
from dataclasses import dataclass, fields
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from core.downloads import NOT_MADE
from core.errors import Refused
from core.text import cleaned_for, one_line
from members.models import User
from outbox.attachments import StoredAttachment

from ..letters.content import Ralat, printed_facts
from ..letters.defaults import new_letter
from ..models import InvitationLetter, Meeting

log = logging.getLogger(__name__)

KIND = "surat_undangan"
PDF_MAGIC = b"%PDF-"


class LetterError(Refused):
    message = gettext_lazy("The invitation letter cannot be changed like this.")


@dataclass(frozen=True)
class LetterData:
    """What the organizer sets (the fields of InvitationLetter) and the meeting's number."""

    number: str
    place: str
    letter_date: date
    nature: str
    enclosures: str
    subject: str
    addressed_to_list: bool
    addressees: str
    addressee_location: str
    opening: str
    closing: str
    travel_costs: str
    travel_costs_text: str
    contact_name: str
    contact_phone: str
    signatory_position: str
    signatory_name: str
    signatory_nip: str
    carbon_copies: str


def letter_for(*, meeting: Meeting, by: User | None = None) -> InvitationLetter:
    """The meeting's letter, or a new one prefilled from the meeting (not saved)."""
    letter = InvitationLetter.objects.filter(meeting=meeting).first()
    if letter is None:
        return new_letter(meeting=meeting, by=by)
    letter.meeting = meeting
    return letter


@transaction.atomic
def save_letter(*, meeting: Meeting, data: LetterData, by: User | None) -> InvitationLetter:
    """Save what the letter says; its number becomes the meeting's letter number. A final
    letter stays as it was issued: the changes are for the next version (a ralat). Control
    characters are not kept (core.text: one-line fields lose line breaks too)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    letter = letter_for(meeting=meeting, by=by)
    for name in (f.name for f in fields(LetterData)):
        if name != "number":
            setattr(letter, name, cleaned_for(InvitationLetter, name, getattr(data, name)))
    if not letter.addressed_to_list and not letter.addressees:
        raise LetterError(_("Name the addressees, or address the letter to the attached list."))
    if letter.travel_costs == InvitationLetter.TravelCosts.OTHER and not letter.travel_costs_text:
        raise LetterError(_("Write the sentence on travel costs."))
    letter.save()
    number = one_line(data.number)
    if number != meeting.letter_number:
        meeting.letter_number = number
        meeting.save(update_fields=["letter_number", "updated_at"])
    log.info("Invitation letter of meeting %s saved by %s", meeting.pk, by)
    return letter


def _locked_letter(meeting: Meeting) -> InvitationLetter:
    letter = (
        InvitationLetter.objects.select_for_update(of=("self",))
        .select_related("meeting__host_agency", "meeting__chair")
        .filter(meeting=meeting)
        .first()
    )
    if letter is None:
        raise LetterError(_("Write and save the letter first."))
    return letter


def _filename(meeting: Meeting, version: int) -> str:
    return f"surat-undangan-{slugify(meeting.letter_number)[:60] or meeting.pk}-v{version}"


def _freeze(*, letter: InvitationLetter, by: User | None, title: str, render, reason: str = ""):
    """Freeze the next version; a new version needs a reason (records.ReasonRequired)."""
    from records.services import RecordsError, freeze_document

    try:
        return freeze_document(
            meeting=letter.meeting,
            kind=KIND,
            subject=letter,
            title=title,
            signers=[letter.signatory_name] if letter.signatory_name else [],
            render=render,
            actor=by,
            reason=" ".join(reason.split()),
        )
    except RecordsError as refused:
        raise LetterError(str(refused)) from None
    except Exception as error:  # the renderer or the signer: logged, told, nothing stored
        log.exception("The letter of meeting %s could not be frozen", letter.meeting_id)
        raise LetterError(NOT_MADE) from error


def _issued(letter: InvitationLetter, document, *, uploaded: bool) -> None:
    letter.issued = {
        "version": document.version,
        "number": letter.meeting.letter_number,
        "date": letter.letter_date.isoformat(),
        "uploaded": uploaded,
        "facts": printed_facts(letter.meeting),
    }
    letter.save(update_fields=["issued", "updated_at"])


def _rendered(letter: InvitationLetter, ralat: Ralat | None):
    from records.services import Rendered

    from ..letters.docx import letter_docx
    from ..letters.pdf import letter_pdf

    def render(stamp):
        return Rendered(
            pdf=letter_pdf(letter=letter, ralat=ralat, stamp=stamp, version=stamp.version),
            docx=letter_docx(letter=letter, ralat=ralat),
        )

    return render


@transaction.atomic
def finalise_letter(*, meeting: Meeting, by: User | None, reason: str = ""):
    """Mark the letter final: it is rendered once (PDF and DOCX), frozen as its next version,
    and attached to every invitation email from now on. Needs the letter's number; issuing it
    again as a new version needs the reason."""
    Meeting.objects.select_for_update().get(pk=meeting.pk)
    letter = _locked_letter(meeting)
    number = letter.meeting.letter_number
    if not number:
        raise LetterError(_("Give the letter its number first."))
    with override("id"):
        title = _("Invitation letter number %(number)s") % {"number": number}
    document = _freeze(
        letter=letter, by=by, title=title, render=_rendered(letter, None), reason=reason
    )
    _issued(letter, document, uploaded=False)
    log.info("Invitation letter of meeting %s final as version %s", meeting.pk, document.version)
    return document


@transaction.atomic
def upload_signed_letter(
    *,
    meeting: Meeting,
    pdf: bytes,
    number: str,
    letter_date: date,
    by: User | None,
    reason: str = "",
):
    """The letter as signed in the ministry's e-office (SRIKANDI), a PDF: frozen as the next
    version as it came (no stamp is drawn on a signed file) and attached to the invitation
    emails instead. Its number and date become the letter's. Replacing a final version needs
    the reason."""
    if not pdf.startswith(PDF_MAGIC) or len(pdf) > settings.DOCUMENT_MAX_BYTES:
        raise LetterError(_("Upload the signed letter as a PDF file."))
    number = one_line(number)
    if not number:
        raise LetterError(_("Give the number of the signed letter."))
    Meeting.objects.filter(pk=meeting.pk).select_for_update().get()
    letter = _locked_letter(meeting)
    letter.meeting.letter_number = number
    letter.meeting.save(update_fields=["letter_number", "updated_at"])
    letter.letter_date = letter_date
    letter.save(update_fields=["letter_date", "updated_at"])

    from records.services import Rendered

    with override("id"):
        title = _("Invitation letter number %(number)s (signed)") % {"number": number}
    document = _freeze(
        letter=letter, by=by, title=title, render=lambda _stamp: Rendered(pdf=pdf), reason=reason
    )
    _issued(letter, document, uploaded=True)
    log.info(
        "Signed invitation letter of meeting %s uploaded as version %s",
        meeting.pk,
        document.version,
    )
    return document


def changes_since_issued(letter: InvitationLetter) -> list[str]:
    """In words (the active language), what the meeting's details printed on the letter are
    now, where they differ from the version last issued; [] when nothing changed."""
    if not letter.issued:
        return []
    before, now = letter.issued.get("facts", {}), printed_facts(letter.meeting)
    labels = {
        "number": _("Letter number"),
        "schedule": _("Day, date and time"),
        "place": _("Place"),
        "online_url": _("Online link"),
        "agenda": _("Agenda"),
    }
    changes = []
    for key, label in labels.items():
        if before.get(key) != now[key]:
            value = now[key]
            shown = "; ".join(value) if isinstance(value, list) else value
            changes.append(f"{label}: {shown or '—'}")
    return changes


@transaction.atomic
def issue_ralat(*, meeting: Meeting, by: User | None, changes: list[str] | None = None):
    """A ralat of the final letter: the letter as it reads now, saying which letter it corrects
    (number and date of the version last issued) and what changed (`changes`, else what
    changes_since_issued finds). Frozen as the next version; the earlier ones stay, superseded.
    """
    Meeting.objects.select_for_update().get(pk=meeting.pk)
    letter = _locked_letter(meeting)
    if not letter.issued:
        raise LetterError(_("The letter is not final yet: mark it final instead."))
    with override("id"):
        described = [str(change) for change in (changes or changes_since_issued(letter))]
        if not described:
            raise LetterError(_("Nothing the letter prints has changed since it was issued."))
        ralat = Ralat(
            number=letter.issued["number"],
            letter_date=date.fromisoformat(letter.issued["date"]),
            changes=described,
        )
        title = _("Correction of invitation letter number %(number)s") % {"number": ralat.number}
    document = _freeze(
        letter=letter,
        by=by,
        title=title,
        render=_rendered(letter, ralat),
        reason="; ".join(described),
    )
    _issued(letter, document, uploaded=False)
    log.info(
        "Ralat of the invitation letter of meeting %s: version %s", meeting.pk, document.version
    )
    return document


def issue_ralat_after_change(*, meeting: Meeting, changes, by: User | None) -> None:
    """Called by update_meeting when a published meeting's time or place changed: if its letter
    is final, issue the ralat now, in the change's transaction, so that the update email carries
    it. A ralat that cannot be made is logged and leaves the change saved; the letter page then
    offers to issue it."""
    letter = InvitationLetter.objects.filter(meeting=meeting, issued__isnull=False).first()
    if letter is None:
        return
    try:
        with transaction.atomic():
            issue_ralat(meeting=meeting, by=by, changes=list(changes))
    except Exception:
        log.exception("The ralat of meeting %s could not be made", meeting.pk)


def issued_letter(meeting: Meeting) -> dict | None:
    """The number and date ("25 November 2021" style date object) of the letter last issued,
    for "Dasar: Surat Undangan Nomor … tanggal …"; None before it is final."""
    letter = InvitationLetter.objects.filter(meeting=meeting, issued__isnull=False).first()
    if letter is None or letter.issued is None:
        return None
    return {"number": letter.issued["number"], "date": date.fromisoformat(letter.issued["date"])}


def letter_attachments(meeting: Meeting) -> list[StoredAttachment]:
    """What an invitation or update email of `meeting` attaches: the newest version of its
    surat undangan, by reference (stored once); [] before the letter is final. Pass the meeting
    as just read: read with select_related("letter"), it asks nothing more until its letter is
    final."""
    try:
        letter = meeting.letter
    except InvitationLetter.DoesNotExist:
        return []
    if not letter.issued:
        return []
    from records.services import latest_frozen

    document = latest_frozen(meeting=meeting, kind=KIND, subject=letter)
    if document is None:
        return []
    return [
        StoredAttachment(
            model="records.recordfile",
            pk=document.pdf_id,
            field="content",
            filename=f"{_filename(meeting, document.version)}.pdf",
            content_type="application/pdf",
            sha256=document.pdf_sha256,
        )
    ]


def letter_versions(meeting: Meeting) -> list:
    """The meeting's surat undangan in every version (records.FrozenDocument), newest first."""
    from records.models import FrozenDocument

    return list(
        FrozenDocument.objects.filter(meeting=meeting, kind=KIND)
        .defer("signature")
        .order_by("-version", "-pk")
    )
