"""The daftar hadir (attendance sheet) of one session as a PDF, A4 portrait, in Indonesian.

What it prints is built by attendance/sheet.py; templates/attendance/daftar_hadir.html lays it
out and WeasyPrint renders it: the kop on the first page; the activity, date and session at the
top of every page; the rows grouped by ministry; the total present and the certification
("Mengetahui,") kept on the page of the last rows. A closed version (frozen through the records
app, see attendance/services/sheets.py) also prints its version and its verification code and
QR on every page; anything else is marked as a preview. The document is Indonesian by nature: its
labels go through gettext and it is always rendered in Indonesian.
"""

import hashlib

from django.template.loader import render_to_string
from django.utils.translation import override

from core.pdf import html_to_pdf, image_url
from events.models import Session

from .sheet import SheetVersion, sheet_context

DOCUMENT_LANGUAGE = "id"


def daftar_hadir_html(
    *, session: Session, blank: bool = False, version: SheetVersion | None = None, stamp=None
) -> tuple[str, dict[str, bytes]]:
    """The sheet's HTML with its signatures, which it names by core.pdf.image_url. `version`
    and `stamp` (records.services.Stamp) for a closed version; without them the sheet is a
    preview."""
    signatures: dict[str, bytes] = {}
    with override(DOCUMENT_LANGUAGE):
        context = sheet_context(session=session, blank=blank, version=version)
        for line in context["body"] + context["kept"]:
            if line.row is not None and line.row.signature:
                # Named by content: WeasyPrint embeds a picture once per name.
                name = hashlib.sha256(line.row.signature).hexdigest()
                signatures[name] = line.row.signature
                line.row.signature_src = image_url(name)
        context["stamp"] = stamp
        return render_to_string("attendance/daftar_hadir.html", context), signatures


def daftar_hadir_pdf(
    *, session: Session, blank: bool = False, version: SheetVersion | None = None, stamp=None
) -> bytes:
    """The PDF bytes of the session's daftar hadir (see the module's docstring)."""
    return html_to_pdf(
        *daftar_hadir_html(session=session, blank=blank, version=version, stamp=stamp)
    )
