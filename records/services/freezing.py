"""Freezing a document: rendered once, signed when a signer is configured, stored with its
version, SHA-256 and the time it was frozen; the version it corrects is marked superseded."""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from events.models import Meeting

from .. import codes, signing
from ..models import FrozenDocument, RecordFile
from .audit import record_change

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stamp:
    """What a frozen document prints about itself."""

    code: str  # the verification code, >= 128 bits, in groups of 4 ("K7QD-2M9X-…")
    url: str  # absolute short URL of the public verification page, SITE_URL/v/<code>
    qr_png: str  # the QR code of `url`, a PNG in a data: URI (templates/core/pdf/_stamp.html)
    version: int  # 1, 2, … of this (meeting, kind, subject)
    frozen_at: datetime


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    docx: bytes | None = None


class RecordsError(Exception):
    """A records rule the caller broke; the message is for the user."""


class ReasonRequired(RecordsError):
    def __init__(self) -> None:
        super().__init__(_("A new version of a frozen document needs a reason."))


class NotAPdf(RecordsError):
    def __init__(self) -> None:
        super().__init__(_("The document could not be made as a PDF."))


def _subject_key(subject: models.Model | None) -> tuple[ContentType | None, int | None]:
    if subject is None:
        return None, None
    return ContentType.objects.get_for_model(subject), subject.pk


def _versions(*, meeting: Meeting, kind: str, subject: models.Model | None):
    subject_type, subject_id = _subject_key(subject)
    return FrozenDocument.objects.filter(
        meeting=meeting, kind=kind, subject_type=subject_type, subject_id=subject_id
    )


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def freeze_document(
    *,
    meeting: Meeting,
    kind: str,
    subject: models.Model | None,
    title: str,
    signers: list[str],
    render: Callable[[Stamp], Rendered],
    actor: Any,
    reason: str = "",
) -> FrozenDocument:
    """Render the document once through `render(stamp)`, sign the PDF when a signer is
    configured (PAdES, see records/signing), and store the bytes with their version (1, 2, …
    per meeting, kind and subject), SHA-256 and the time frozen. The current version of the
    same (meeting, kind, subject), if any, is marked superseded: a new version is a correction
    and needs a `reason`. Both are written to the audit trail. One transaction, which locks the
    meeting's row so two freezes of one meeting take their turns; the bytes are stored in the
    database with the row, so a rollback leaves nothing behind. Raises ReasonRequired,
    NotAPdf, or signing.SigningFailed (nothing is then stored)."""
    kind = FrozenDocument.Kind(kind)
    subject_type, subject_id = _subject_key(subject)
    with transaction.atomic():
        Meeting.objects.select_for_update(no_key=True).filter(pk=meeting.pk).first()
        versions = _versions(meeting=meeting, kind=kind, subject=subject)
        previous = versions.select_for_update().filter(superseded_at__isnull=True).first()
        if previous is not None and not reason.strip():
            raise ReasonRequired()
        version = (versions.aggregate(last=Max("version"))["last"] or 0) + 1
        frozen_at = timezone.now()
        code = codes.new_code()
        url = codes.verification_url(code)
        stamp = Stamp(
            code=code, url=url, qr_png=codes.qr_png(url), version=version, frozen_at=frozen_at
        )
        rendered = render(stamp)
        if not rendered.pdf.startswith(b"%PDF-"):
            raise NotAPdf()
        pdf, signature = _signed(rendered.pdf, meeting=meeting, title=title, version=version)
        if previous is not None:
            # Before the new row: one current version per subject is a database constraint.
            previous.superseded_at = frozen_at
            previous.save(update_fields=["superseded_at"])
        document = FrozenDocument.objects.create(
            meeting=meeting,
            kind=kind,
            subject_type=subject_type,
            subject_id=subject_id,
            version=version,
            title=title,
            pdf=RecordFile.objects.create(content=pdf),
            pdf_sha256=_sha256(pdf),
            pdf_size=len(pdf),
            docx=RecordFile.objects.create(content=rendered.docx) if rendered.docx else None,
            docx_sha256=_sha256(rendered.docx) if rendered.docx else "",
            docx_size=len(rendered.docx) if rendered.docx else None,
            frozen_at=frozen_at,
            frozen_by=actor if hasattr(actor, "get_username") and actor.pk else None,
            reason=reason,
            signers=list(signers),
            signed=bool(signature),
            signature=signature,
            code_hash=codes.code_hash(code),
        )
        record_change(
            actor=actor,
            meeting=meeting,
            obj=document,
            action="document.frozen",
            before=None,
            after=_summary(document),
            reason=reason,
        )
        if previous is not None:
            previous.superseded_by = document
            previous.save(update_fields=["superseded_by"])
            record_change(
                actor=actor,
                meeting=meeting,
                obj=previous,
                action="document.superseded",
                before=_summary(previous) | {"superseded_at": None},
                after={"superseded_at": frozen_at, "superseded_by_version": document.version},
                reason=reason,
            )
    return document


def _summary(document: FrozenDocument) -> dict:
    return {
        "kind": document.kind,
        "title": document.title,
        "version": document.version,
        "pdf_sha256": document.pdf_sha256,
        "docx_sha256": document.docx_sha256 or None,
        "signed": document.signed,
        "signers": document.signers,
    }


def _signed(pdf: bytes, *, meeting: Meeting, title: str, version: int) -> tuple[bytes, dict]:
    """The PDF signed by the configured signer with what the signature is, or as it was with
    no signature when no signer is configured."""
    try:
        signer = signing.configured_signer()
    except ImproperlyConfigured as error:  # the administrator's to fix; the user is told
        log.exception("The signing configuration is broken")
        raise signing.SigningFailed() from error
    if signer is None:
        return pdf, {}
    with override("id"):  # what the signature says is part of the Indonesian record
        reason = _("%(title)s, version %(version)s") % {"title": title, "version": version}
    signed = signer.sign(pdf, reason=reason, location=meeting.host_agency.name)
    return signed.pdf, signed.details


def latest_frozen(
    *, meeting: Meeting, kind: str, subject: models.Model | None = None
) -> FrozenDocument | None:
    """The current (not superseded) version of the document of `kind` about `subject`, or
    None when none was frozen. With `subject` None: the current document of that kind frozen
    last, whatever its subject (the meeting's surat undangan or laporan)."""
    current = FrozenDocument.objects.filter(
        meeting=meeting, kind=FrozenDocument.Kind(kind), superseded_at__isnull=True
    )
    if subject is not None:
        subject_type, subject_id = _subject_key(subject)
        current = current.filter(subject_type=subject_type, subject_id=subject_id)
    return current.order_by("-frozen_at", "-pk").first()
