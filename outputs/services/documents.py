"""Documents of a meeting: materials (paparan), photos (dokumentasi) and other files.

What is accepted: at most settings.DOCUMENT_MAX_BYTES, a type Rakor knows by its content
(outputs/sniff.py) with an extension that agrees, and for a photo an image. A refused upload saves
nothing. Files are stored under random names in the documents storage, outside MEDIA_ROOT, and
served only by outputs/views/documents.py.

Who uploads, sees and deletes a document: outputs/permissions.py.
"""

import logging
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from events.models import AgendaItem, Invitation, Meeting
from events.permissions import is_meeting_organizer
from members.models import User

from .. import permissions, sniff
from ..models import Document

logger = logging.getLogger(__name__)

TITLE_MAX_LENGTH = 300


class DocumentRefused(Exception):
    """An upload or a change Rakor will not make; `message` says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def max_document_bytes() -> int:
    from django.conf import settings

    return settings.DOCUMENT_MAX_BYTES


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".0", "")


def documents_for(
    *, meeting: Meeting, user=None, invitation: Invitation | None = None
) -> QuerySet[Document]:
    """The meeting's documents that `user` (or the holder of `invitation`'s link) may see, with
    their agenda items; one query after the checks."""
    documents = Document.objects.filter(meeting=meeting).select_related("agenda_item")
    signed_in = user is not None and user.is_authenticated
    if signed_in and is_meeting_organizer(user, meeting):
        return documents
    visible = Q(visibility=Document.Visibility.PUBLIC)
    participant = (
        invitation is not None
        and invitation.meeting_id == meeting.pk
        and invitation.withdrawn_at is None
    ) or (signed_in and permissions.is_participant(user, meeting))
    if participant:
        visible |= Q(visibility=Document.Visibility.PARTICIPANTS)
    if signed_in:
        visible |= Q(uploaded_by=user)
    return documents.filter(visible)


def _check_file(*, file: UploadedFile, kind: str) -> tuple[sniff.FileKind, int]:
    """What the file is, and its size."""
    limit = max_document_bytes()
    size = file.size
    if size is None or size > limit:
        raise DocumentRefused(
            _("The file is %(size)s MB; the largest file allowed is %(limit)s MB.")
            % {"size": _megabytes(size or 0), "limit": _megabytes(limit)}
        )
    if size == 0:
        raise DocumentRefused(_("The file is empty."))
    extension = PurePath(file.name or "").suffix.lower()
    allowed = ", ".join(sniff.ACCEPTED_EXTENSIONS)
    try:
        found = sniff.sniff(file, extension)
    except sniff.Unrecognised as unrecognised:
        if unrecognised.executable:
            raise DocumentRefused(
                _("This file is a program, not a document; programs cannot be uploaded.")
            ) from None
        raise DocumentRefused(
            _("Rakor cannot accept this kind of file. Allowed: %(types)s.") % {"types": allowed}
        ) from None
    if extension not in found.extensions:
        raise DocumentRefused(
            _("The file's content is %(kind)s but its name ends in “%(extension)s”.")
            % {"kind": found.name.upper(), "extension": extension or "—"}
        )
    if kind == Document.Kind.PHOTO and not found.is_image:
        raise DocumentRefused(_("A photo must be a PNG, JPEG, GIF or WebP image."))
    return found, size


@transaction.atomic
def upload_document(
    *,
    meeting: Meeting,
    file: UploadedFile,
    title: str,
    kind: str,
    visibility: str,
    uploaded_by: User,
    agenda_item: AgendaItem | None = None,
) -> Document:
    """Store one document of `meeting`. Refused with DocumentRefused (nothing saved) unless the
    uploader is an organizer or a speaker of the meeting, the agenda item is the meeting's, and
    the file passes the size and content checks of the module's docstring."""
    if not permissions.may_upload_documents(uploaded_by, meeting):
        raise DocumentRefused(_("Only the organizers and speakers of this meeting may upload."))
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise DocumentRefused(_("This agenda item belongs to another meeting."))
    if kind not in Document.Kind.values or visibility not in Document.Visibility.values:
        raise DocumentRefused(_("Choose a kind and who may see the document."))
    try:
        found, size = _check_file(file=file, kind=kind)
    except DocumentRefused as refused:
        logger.warning(
            "document refused: meeting=%s user=%s name=%r size=%s: %s",
            meeting.pk,
            uploaded_by.pk,
            file.name,
            file.size,
            refused.message,
        )
        raise
    original_name = PurePath(file.name or "").name[:255]
    title = " ".join((title or "").split())[:TITLE_MAX_LENGTH] or PurePath(original_name).stem
    document = Document(
        meeting=meeting,
        agenda_item=agenda_item,
        kind=kind,
        visibility=visibility,
        title=title,
        original_name=original_name,
        content_type=found.content_type,
        size=size,
        uploaded_by=uploaded_by,
    )
    document.file.save(original_name, file, save=False)
    stored = document.file.name
    try:
        document.save()
    except Exception:
        if stored:
            document.file.storage.delete(stored)
        raise
    return document


@transaction.atomic
def delete_document(*, document: Document, user: User) -> None:
    """Remove a document and its file: its organizers may, and whoever uploaded it."""
    if not permissions.may_delete_document(user, document):
        raise DocumentRefused(_("Only the organizers or the uploader may delete this document."))
    storage, name = document.file.storage, document.file.name
    document.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
