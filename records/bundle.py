"""The SPJ bundle of a meeting: one ZIP with what its accounts (SPJ) and its archive need.

- the surat undangan, each session's daftar hadir, the notulen and the laporan: the current
  frozen version of each (latest_frozen), as stored, PDF and DOCX;
- the narasumber and moderator list with their sessions (XLSX), the susunan acara (PDF) and
  the materials' list (XLSX), made from the meeting as it is now;
- the photos (dokumentasi), as uploaded;
- manifest.json naming every file with its SHA-256, version, and whether it is frozen and
  signed, and listing the frozen documents that do not exist yet.

write_bundle() serves the Celery task behind the meeting page and `manage.py export_records`.
"""

import hashlib
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override

from events.models import Meeting
from outputs.models import Document

from . import bundle_lists
from .models import FrozenDocument, RecordFile
from .services.freezing import latest_frozen

Kind = FrozenDocument.Kind
CHUNK = 1024 * 1024
# Already compressed: stored as they are, so building a bundle costs little CPU.
STORED_SUFFIXES = {".pdf", ".docx", ".xlsx", ".jpg", ".jpeg", ".png", ".webp", ".gif", ".zip"}


@dataclass(frozen=True)
class Missing:
    kind: str
    title: str


def _frozen_wanted(meeting: Meeting) -> list[tuple[str, Model | None, str, str]]:
    """(kind, subject, folder, title) of every frozen document an SPJ needs, in order: one
    daftar hadir per session, one of each other kind per meeting."""
    wanted: list[tuple[str, Model | None, str, str]] = [
        (Kind.SURAT_UNDANGAN, None, "01-surat-undangan", _("Invitation letter")),
    ]
    for number, session in enumerate(meeting.sessions.order_by("starts_at"), start=1):
        wanted.append(
            (
                Kind.DAFTAR_HADIR,
                session,
                f"02-daftar-hadir/{number:02d}-{slugify(session.title)[:40] or 'sesi'}",
                _("Attendance sheet, %(session)s") % {"session": session.title},
            )
        )
    wanted.append((Kind.NOTULEN, None, "04-notulen", _("Minutes")))
    wanted.append((Kind.LAPORAN, None, "05-laporan", _("Activity report")))
    return wanted


class _Writer:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.files: list[dict] = []

    def add(self, path: str, chunks, **described) -> None:
        suffix = PurePosixPath(path).suffix.lower()
        method = zipfile.ZIP_STORED if suffix in STORED_SUFFIXES else zipfile.ZIP_DEFLATED
        digest, size = hashlib.sha256(), 0
        info = zipfile.ZipInfo(path, date_time=timezone.localtime().timetuple()[:6])
        info.compress_type = method
        with self.archive.open(info, "w", force_zip64=True) as target:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                target.write(chunk)
        self.files.append({"path": path, "sha256": digest.hexdigest(), "size": size} | described)


def _frozen_files(writer: _Writer, document: FrozenDocument, folder: str) -> None:
    base = f"{folder}/{slugify(document.title)[:80] or document.kind}-v{document.version}"
    described = {
        "kind": document.kind,
        "title": document.title,
        "version": document.version,
        "frozen": True,
        "frozen_at": document.frozen_at,
        "signed": document.signed,
        "signature_level": document.signature.get("level", ""),
        "superseded_versions": document.version - 1,
    }
    contents = dict(
        RecordFile.objects.filter(pk__in=[document.pdf_id, document.docx_id]).values_list(
            "pk", "content"
        )
    )
    writer.add(f"{base}.pdf", [bytes(contents[document.pdf_id])], **described)
    if document.docx_id:
        # The Word file is the editable twin: what the signature covers is the PDF.
        writer.add(
            f"{base}.docx", [bytes(contents[document.docx_id])], **described | {"signed": False}
        )


def _document_chunks(document: Document):
    with document.file.open("rb") as source:
        while chunk := source.read(CHUNK):
            yield chunk


def write_bundle(
    *,
    meeting: Meeting,
    output: BinaryIO,
    built_by: str = "",
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Write the meeting's SPJ bundle as a ZIP to `output`; return its manifest."""
    report = progress or (lambda _percent: None)
    with override("id"), zipfile.ZipFile(output, "w", allowZip64=True) as archive:
        writer = _Writer(archive)
        missing: list[Missing] = []
        wanted = _frozen_wanted(meeting)
        photos = list(
            Document.objects.filter(meeting=meeting, kind=Document.Kind.PHOTO).order_by(
                "uploaded_at", "pk"
            )
        )
        steps = len(wanted) + 3 + len(photos)
        done = 0
        for kind, subject, folder, title in wanted:
            # Without a subject: the meeting's one document of that kind, whatever it is of.
            document = latest_frozen(meeting=meeting, kind=kind, subject=subject)
            if document is None:
                missing.append(Missing(kind=str(kind), title=str(title)))
            else:
                _frozen_files(writer, document, folder)
            done += 1
            report(done * 100 // steps)
        generated = {"frozen": False, "signed": False, "version": None}
        for path, kind, title, content in bundle_lists.generated_files(meeting=meeting):
            writer.add(path, [content], kind=kind, title=title, **generated)
            done += 1
            report(done * 100 // steps)
        for number, photo in enumerate(photos, start=1):
            suffix = PurePosixPath(photo.original_name).suffix.lower()[:8]
            name = f"07-dokumentasi/{number:02d}-{slugify(photo.title)[:60] or 'foto'}{suffix}"
            writer.add(name, _document_chunks(photo), kind="photo", title=photo.title, **generated)
            done += 1
            report(done * 100 // steps)
        manifest = {
            "meeting": {
                "id": meeting.pk,
                "title": meeting.title,
                "host_agency": meeting.host_agency.name,
                "letter_number": meeting.letter_number,
            },
            "built_at": timezone.now(),
            "built_by": built_by,
            "files": writer.files,
            "missing": [
                {"kind": item.kind, "title": item.title, "reason": _("not frozen yet")}
                for item in missing
            ],
        }
        archive.writestr(
            "manifest.json",
            json.dumps(manifest, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            compress_type=zipfile.ZIP_DEFLATED,
        )
    report(100)
    return json.loads(json.dumps(manifest, cls=DjangoJSONEncoder))
