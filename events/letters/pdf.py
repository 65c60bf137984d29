"""The surat undangan as an A4 PDF (WeasyPrint), from templates/events/pdf/surat_undangan.html."""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.pdf import html_to_pdf

from ..models import InvitationLetter
from .content import Ralat, letter_context

DOCUMENT_LANGUAGE = "id"


def letter_html(
    *, letter: InvitationLetter, ralat: Ralat | None = None, stamp=None, version: int = 0
) -> str:
    """The letter's HTML; with `stamp` (records.services.Stamp) the frozen version's, else a
    preview."""
    with override(DOCUMENT_LANGUAGE):
        context = letter_context(letter=letter, ralat=ralat)
        context["stamp"] = stamp
        if version:
            context["version_label"] = _("Version %(number)s") % {"number": version}
        return render_to_string("events/pdf/surat_undangan.html", context)


def letter_pdf(
    *, letter: InvitationLetter, ralat: Ralat | None = None, stamp=None, version: int = 0
) -> bytes:
    return html_to_pdf(letter_html(letter=letter, ralat=ralat, stamp=stamp, version=version))
