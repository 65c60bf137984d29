"""The SPJ bundle of a meeting: one ZIP with what its accounts (SPJ) and its archive need.

- the surat undangan, each session's daftar hadir, the notulen and the laporan: the current
  frozen version of each (latest_frozen), as stored, PDF and DOCX;
- the narasumber and moderator list with their sessions (XLSX), the susunan acara (PDF) and
  the materials' list (XLSX), made from the meeting as it is now;
- the photos (dokumentasi), as uploaded;
- manifest.json naming every file with its SHA-256, version, whether it is frozen and signed
  and at which signature level (none for a file that is not signed, a DOCX always), and listing
  the frozen documents that do not exist yet.

Each section is numbered by its place in SECTIONS (01-surat-undangan … 08-dokumentasi), and the
ZIP holds its entries in that order.

write_bundle() serves the Celery task behind the meeting page and `manage.py export_records`.
"""

import hashlib
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
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
# What the manifest says of a file that carries no electronic signature.
UNSIGNED = {"signed": False, "signature_level": None}
# What it says of a file made from the meeting as it is now (a list, the photos).
GENERATED = {"frozen": False, "version": None} | UNSIGNED


@dataclass(frozen=True)
class Missing:
    kind: str
    title: str


# The bundle's sections in their order: each is numbered by its place here ("01-surat-undangan"),
# and the ZIP holds them in this order.
SECTIONS = (
    "surat-undangan",
    "daftar-hadir",
    "narasumber-moderator",
    "notulen",
    "laporan",
    "susunan-acara",
    "daftar-materi",
    "dokumentasi",
)


def numbered(section: str) -> str:
    """The name of `section` in the ZIP: its number, then its name."""
    return f"{SECTIONS.index(section) + 1:02d}-{section}"


def _frozen_wanted(meeting: Meeting) -> list[tuple[str, str, Model | None, str, str]]:
    """(section, kind, subject, folder, title) of every frozen document an SPJ needs: one
    daftar hadir per session, one of each other kind per meeting."""
    wanted: list[tuple[str, str, Model | None, str, str]] = [
        (
            "surat-undangan",
            Kind.SURAT_UNDANGAN,
            None,
            numbered("surat-undangan"),
            _("Invitation letter"),
        ),
    ]
    for number, session in enumerate(meeting.sessions.order_by("starts_at"), start=1):
        wanted.append(
            (
                "daftar-hadir",
                Kind.DAFTAR_HADIR,
                session,
                f"{numbered('daftar-hadir')}/{number:02d}-{slugify(session.title)[:40] or 'sesi'}",
                _("Attendance sheet, %(session)s") % {"session": session.title},
            )
        )
    wanted.append(("notulen", Kind.NOTULEN, None, numbered("notulen"), _("Minutes")))
    wanted.append(("laporan", Kind.LAPORAN, None, numbered("laporan"), _("Activity report")))
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
        "superseded_versions": document.version - 1,
    }
    contents = dict(
        RecordFile.objects.filter(pk__in=[document.pdf_id, document.docx_id]).values_list(
            "pk", "content"
        )
    )
    signature = {
        "signed": document.signed,
        "signature_level": document.signature.get("level") if document.signed else None,
    }
    writer.add(f"{base}.pdf", [bytes(contents[document.pdf_id])], **described | signature)
    if document.docx_id:
        # The Word file is the editable twin, never signed: what the signature covers is the PDF.
        writer.add(f"{base}.docx", [bytes(contents[document.docx_id])], **described | UNSIGNED)


def _document_chunks(document: Document):
    with document.file.open("rb") as source:
        while chunk := source.read(CHUNK):
            yield chunk


def _add_frozen(writer: _Writer, missing: list[Missing], meeting, kind, subject, folder, title):
    # Without a subject: the meeting's one document of that kind, whatever it is of.
    document = latest_frozen(meeting=meeting, kind=kind, subject=subject)
    if document is None:
        missing.append(Missing(kind=str(kind), title=str(title)))
    else:
        _frozen_files(writer, document, folder)


def _add_generated(writer: _Writer, path: str, kind: str, title: str, make) -> None:
    writer.add(path, [make()], kind=kind, title=title, **GENERATED)


def _add_photo(writer: _Writer, number: int, photo: Document) -> None:
    suffix = PurePosixPath(photo.original_name).suffix.lower()[:8]
    slug = slugify(photo.title)[:60] or "foto"
    name = f"{numbered('dokumentasi')}/{number:02d}-{slug}{suffix}"
    writer.add(name, _document_chunks(photo), kind="photo", title=photo.title, **GENERATED)


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
        # What each section writes, gathered by section, then written in SECTIONS' order.
        steps: dict[str, list[Callable[[], None]]] = {section: [] for section in SECTIONS}
        for section, kind, subject, folder, title in _frozen_wanted(meeting):
            steps[section].append(
                partial(_add_frozen, writer, missing, meeting, kind, subject, folder, title)
            )
        for section, suffix, kind, title, make in bundle_lists.generated_files(meeting=meeting):
            path = f"{numbered(section)}{suffix}"
            steps[section].append(partial(_add_generated, writer, path, kind, title, make))
        photos = Document.objects.filter(meeting=meeting, kind=Document.Kind.PHOTO).order_by(
            "uploaded_at", "pk"
        )
        for number, photo in enumerate(photos, start=1):
            steps["dokumentasi"].append(partial(_add_photo, writer, number, photo))
        total = sum(len(section_steps) for section_steps in steps.values())
        done = 0
        for section in SECTIONS:
            for step in steps[section]:
                step()
                done += 1
                report(done * 100 // total)
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
