"""Reads of records that grow with data, each with a fixed number of queries."""

from django.db.models import QuerySet

from events.models import Meeting

from . import codes
from .models import AuditEntry, FrozenDocument


def document_for_code(code: str) -> FrozenDocument | None:
    """The frozen document whose verification code is `code` (as typed), with its meeting."""
    plain = codes.normalised(code)
    if plain is None:
        return None
    found = FrozenDocument.objects.select_related("meeting__host_agency").filter(
        code_hash=codes.code_hash(plain)
    )
    return next(iter(found.order_by()[:1]), None)  # unique: no ordering needed


def versions_of(document: FrozenDocument) -> QuerySet[FrozenDocument]:
    """Every version of the same document (meeting, kind, subject), newest first."""
    return FrozenDocument.objects.filter(
        meeting_id=document.meeting_id,
        kind=document.kind,
        subject_type_id=document.subject_type_id,
        subject_id=document.subject_id,
    ).order_by("-version")


def meeting_documents(*, meeting: Meeting) -> QuerySet[FrozenDocument]:
    """Every frozen document of the meeting, all versions, by kind and subject, newest first."""
    return FrozenDocument.objects.filter(meeting=meeting).order_by(
        "kind", "subject_type_id", "subject_id", "-version"
    )


def audit_trail(*, meeting: Meeting) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(meeting=meeting).select_related("object_type")
