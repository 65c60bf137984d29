"""Small helpers for the Word documents Rakor writes (python-docx): text Word's XML can hold,
the A4 page, page numbers and the kop (letterhead) of the host agency."""

import io
import re

from django.utils.translation import gettext as _
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

# Characters XML 1.0 cannot hold (C0 controls other than tab and newlines, lone surrogates,
# U+FFFE/U+FFFF): lxml refuses them, so one pasted into a text would break the whole file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text) -> str:
    """`text` as a string Word's XML can hold: characters XML forbids are left out."""
    return _NOT_XML.sub("", str(text))


def a4(document, *, left: float = 2.5, right: float = 2.0) -> None:
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(left), Cm(right)
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(10.5)


def page_number_footer(document) -> None:
    """ "Halaman n dari m" in the footer, as Word fields that Word fills when it lays out."""
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    def field(code: str) -> None:
        run = paragraph.add_run()
        for kind, text in (
            ("begin", None),
            (None, code),
            ("separate", None),
            (None, "1"),
            ("end", None),
        ):
            if kind:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            elif text == code:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = code
            else:
                element = OxmlElement("w:t")
                element.text = text
            run._r.append(element)

    paragraph.add_run(_("Page") + " ")
    field("PAGE")
    paragraph.add_run(" " + _("of") + " ")
    field("NUMPAGES")


def add_kop(document, kop) -> None:
    """The kop: the logo on the left, the name, unit and address centred, a rule under it.
    `kop` is a members.letterhead.Letterhead."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    logo_cell, text_cell = table.rows[0].cells
    logo_cell.width, text_cell.width = Cm(2.6), Cm(13.9)
    if kop.logo:
        logo_cell.paragraphs[0].add_run().add_picture(io.BytesIO(kop.logo), width=Cm(2.1))
    first = text_cell.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = first.add_run(xml_text(kop.name))
    run.bold, run.font.size = True, Pt(13)
    if kop.unit:
        paragraph = text_cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(xml_text(kop.unit))
        run.bold, run.font.size = True, Pt(12)
    for line in kop.address:
        paragraph = text_cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(xml_text(line)).font.size = Pt(8.5)
    rule = document.add_paragraph()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (
        ("w:val", "double"),
        ("w:sz", "6"),
        ("w:space", "1"),
        ("w:color", "000000"),
    ):
        bottom.set(qn(name), value)
    borders.append(bottom)
    rule._p.get_or_add_pPr().append(borders)


def as_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
