"""The surat undangan as a Word document, for agencies that sign it in their e-office: the same
parts as the PDF (content.py), text only ever added as run text."""

from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt

from core.docx import a4, add_kop, as_bytes, page_number_footer, xml_text

from ..models import InvitationLetter
from .content import Ralat, letter_context

DOCUMENT_LANGUAGE = "id"


def _rows(document, rows: list[tuple[str, str]], widths=(3.2, 12.8)) -> None:
    table = document.add_table(rows=0, cols=2)
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = xml_text(label), xml_text(f": {value}")
        cells[0].width, cells[1].width = Cm(widths[0]), Cm(widths[1])


def _paragraph(document, text: str, *, indent: float = 1.0, bold: bool = False):
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.left_indent = Cm(indent)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.add_run(xml_text(text)).bold = bold or None
    return paragraph


def letter_docx(*, letter: InvitationLetter, ralat: Ralat | None = None) -> bytes:
    with override(DOCUMENT_LANGUAGE):
        c = letter_context(letter=letter, ralat=ralat)
        document = Document()
        a4(document)
        page_number_footer(document)
        add_kop(document, c["kop"])

        head = document.add_table(rows=4, cols=2)
        labels = [
            (pgettext("letter", "Number"), c["number"] or "……………"),
            (pgettext("letter", "Nature"), c["nature"]),
            (pgettext("letter", "Enclosures"), c["enclosures"]),
            (pgettext("letter", "Subject"), c["subject"]),
        ]
        for row, (label, value) in zip(head.rows, labels, strict=True):
            row.cells[0].text = xml_text(f"{label}\t: {value}")
            row.cells[0].width, row.cells[1].width = Cm(10.5), Cm(5.5)
        head.rows[0].cells[1].text = xml_text(c["place_date"])
        head.rows[0].cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT

        document.add_paragraph()
        if c["to_list"]:
            document.add_paragraph(xml_text(pgettext("letter", "To (see the attached list)")))
        else:
            document.add_paragraph(xml_text(pgettext("letter", "To")))
            for number, line in enumerate(c["addressees"], start=1):
                document.add_paragraph(xml_text(f"{number}. {line}"))
        document.add_paragraph(
            xml_text(f"{pgettext('letter addressee', 'at')} {c['addressee_location']}")
        )

        if ralat is not None:
            _paragraph(document, _("Correction").upper(), bold=True)
            _paragraph(
                document,
                _(
                    "This letter corrects our invitation letter number %(number)s of %(date)s, "
                    "in the following:"
                )
                % c["ralat_of"],
            )
            for number, change in enumerate(ralat.changes, start=1):
                _paragraph(document, f"{number}. {change}", indent=1.5)
            _paragraph(document, _("The invitation, corrected, reads in full:"))
        _paragraph(document, c["opening"])
        facts = []
        for line in c["schedule"]:
            day = f"{line['day']} ({line['title']})" if line["title"] else line["day"]
            facts += [(_("Day, date"), day), (_("Time"), line["time"])]
        if c["place"]:
            facts.append((_("Place"), c["place"]))
        if c["online_url"]:
            facts.append((_("Online link"), c["online_url"]))
        items = [
            (f"{item['time']} — " if item["time"] else "")
            + item["title"]
            + (f" ({item['speaker']})" if item["speaker"] else "")
            for item in c["agenda"]
        ] or [c["meeting"].title]
        facts.append(
            (_("Agenda"), "; ".join(f"{n}. {t}" for n, t in enumerate(items, 1)))
            if len(items) > 1
            else (_("Agenda"), items[0])
        )
        _rows(document, facts)
        for text in (c["travel"], c["contact"], c["closing"]):
            if text:
                _paragraph(document, text)

        signatory = c["signatory"]
        for text, bold in (
            (f"{signatory['position']},", False),
            ("\n\n\n", False),
            (signatory["name"], True),
            (f"{_('NIP')} {signatory['nip']}" if signatory["nip"] else "", False),
        ):
            if text:
                paragraph = document.add_paragraph()
                paragraph.paragraph_format.left_indent = Cm(9)
                paragraph.add_run(xml_text(text)).bold = bold or None

        if c["copies"]:
            document.add_paragraph(xml_text(f"{pgettext('letter', 'Copies to')}:"))
            for number, line in enumerate(c["copies"], start=1):
                document.add_paragraph(xml_text(f"{number}. {line}"))

        if c["invitees"]:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            for text in (
                _("Enclosure to the invitation letter"),
                f"{pgettext('letter', 'Number')}: {c['number']}",
                f"{_('Date')}: {c['date']}",
            ):
                document.add_paragraph(xml_text(text)).paragraph_format.left_indent = Cm(9)
            title = document.add_paragraph()
            title.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = title.add_run(xml_text(_("List of invitees").upper()))
            run.bold, run.font.size = True, Pt(11)
            table = document.add_table(rows=1, cols=4)
            table.style = "Table Grid"
            for cell, header in zip(
                table.rows[0].cells,
                [pgettext("row number", "No."), _("Name"), _("Position"), _("Work unit")],
                strict=True,
            ):
                cell.paragraphs[0].add_run(xml_text(header)).bold = True
            for group in c["invitees"]:
                cells = table.add_row().cells
                merged = cells[0].merge(cells[3])
                merged.paragraphs[0].add_run(xml_text(group["agency"] or "—")).bold = True
                for person in group["people"]:
                    cells = table.add_row().cells
                    for cell, value in zip(
                        cells,
                        [person["number"], person["name"], person["position"], person["unit"]],
                        strict=True,
                    ):
                        cell.text = xml_text(value)
        return as_bytes(document)
