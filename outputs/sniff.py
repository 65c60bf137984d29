"""What a file is, from its first bytes: the document types Rakor accepts, and executables.

A name can say anything; the content decides. An upload is accepted only when its bytes are one
of the kinds below and its extension is one that kind may carry, so ``setup.exe`` renamed
``paparan.pdf`` (an ``MZ`` header) is refused, and so is a real PNG named ``.pdf``.

Office files: OOXML (.docx, .pptx, .xlsx) is a ZIP whose ``[Content_Types].xml`` sits beside a
``word/``, ``ppt/`` or ``xl/`` folder; the legacy formats (.doc, .ppt, .xls) share one OLE2
header, so for them the extension chooses among the three. Other ZIPs are refused.
"""

import zipfile
from dataclasses import dataclass
from typing import Protocol


class Stream(Protocol):
    """A file open for reading bytes: an upload, or any binary file object."""

    def read(self, size: int = -1, /) -> bytes: ...

    def seek(self, offset: int, whence: int = 0, /) -> int: ...

    def tell(self) -> int: ...


@dataclass(frozen=True)
class FileKind:
    name: str
    content_type: str
    extensions: tuple[str, ...]

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


PDF = FileKind("pdf", "application/pdf", (".pdf",))
PNG = FileKind("png", "image/png", (".png",))
JPEG = FileKind("jpeg", "image/jpeg", (".jpg", ".jpeg"))
GIF = FileKind("gif", "image/gif", (".gif",))
WEBP = FileKind("webp", "image/webp", (".webp",))
DOCX = FileKind(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
PPTX = FileKind(
    "pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
)
XLSX = FileKind(
    "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
)
DOC = FileKind("doc", "application/msword", (".doc",))
PPT = FileKind("ppt", "application/vnd.ms-powerpoint", (".ppt",))
XLS = FileKind("xls", "application/vnd.ms-excel", (".xls",))

ACCEPTED = (PDF, PNG, JPEG, GIF, WEBP, DOCX, PPTX, XLSX, DOC, PPT, XLS)
ACCEPTED_EXTENSIONS = tuple(ext for kind in ACCEPTED for ext in kind.extensions)

OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")
_EXECUTABLE_MAGIC = (
    b"MZ",  # Windows PE
    b"\x7fELF",  # Linux
    b"#!",  # scripts
    b"\xca\xfe\xba\xbe",  # Mach-O universal / Java class
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
)


class Unrecognised(Exception):
    """Not a kind Rakor accepts; `executable` says whether it looked like a program."""

    def __init__(self, executable: bool = False):
        super().__init__("executable" if executable else "unrecognised")
        self.executable = executable


def _ooxml(stream: Stream) -> FileKind | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for folder, kind in (("word/", DOCX), ("ppt/", PPTX), ("xl/", XLSX)):
        if any(name.startswith(folder) for name in names):
            return kind
    return None


def sniff(stream: Stream, extension: str) -> FileKind:
    """The kind of file in `stream` (read from its start, left at its start). Raises
    Unrecognised for anything else, including executables whatever their name."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    extension = extension.lower()
    if head.startswith(_EXECUTABLE_MAGIC):
        raise Unrecognised(executable=True)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(OLE2):
        return {".doc": DOC, ".ppt": PPT, ".xls": XLS}.get(extension, DOC)
    if head.startswith(b"PK\x03\x04"):
        kind = _ooxml(stream)
        stream.seek(0)
        if kind:
            return kind
    raise Unrecognised()
