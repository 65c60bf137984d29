"""The minutes as a Word document (python-docx), for those who edit them in Word.

The same content as the PDF (outputs/exports.py): header, attendance summary, discussion per
agenda item, conclusions, numbered decisions, the actions as a table and the signature blocks.
Discussion Markdown is rendered and sanitised by outputs.markdown first, then walked into Word
paragraphs and runs (bold, italic, list items, headings); text is only ever added as run text,
so nothing typed can become markup in the file.
"""

import io
import re
from html.parser import HTMLParser

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .exports import minutes_context
from .markdown import render_markdown
from .models import Minutes

# Characters XML 1.0 cannot hold (C0 controls other than tab and newlines, lone surrogates,
# U+FFFE/U+FFFF): lxml refuses them, so one pasted into a text would break the whole file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text) -> str:
    """`text` as a string Word's XML can hold: characters XML forbids are left out."""
    return _NOT_XML.sub("", str(text))


class _MarkdownToWord(HTMLParser):
    """Writes sanitised Markdown HTML into `document` as paragraphs and runs."""

    def __init__(self, document) -> None:
        super().__init__(convert_charrefs=True)
        self.document = document
        self.paragraph = None
        self.bold = self.italic = self.code = 0
        self.lists: list[str] = []
        self.href: str | None = None

    def _start(self, style: str | None = None) -> None:
        self.paragraph = self.document.add_paragraph(style=style)

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "blockquote", "pre", "tr"):
            if not (tag == "p" and self.lists and self.paragraph is not None):
                self._start("Quote" if tag == "blockquote" else None)
        elif tag in ("h3", "h4", "h5", "h6"):
            self._start("Heading 4")
        elif tag in ("ul", "ol"):
            self.lists.append("List Number" if tag == "ol" else "List Bullet")
        elif tag == "li":
            self._start(self.lists[-1] if self.lists else "List Bullet")
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "code":
            self.code += 1
        elif tag == "br" and self.paragraph is not None:
            self.paragraph.add_run().add_break()
        elif tag in ("td", "th") and self.paragraph is not None and self.paragraph.text:
            self.paragraph.add_run(" | ")
        elif tag == "a":
            self.href = dict(attrs).get("href")

    def handle_endtag(self, tag):
        if tag in ("strong", "b"):
            self.bold -= 1
        elif tag in ("em", "i"):
            self.italic -= 1
        elif tag == "code":
            self.code -= 1
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "a":
            if self.href and self.paragraph is not None:
                self.paragraph.add_run(_xml(f" ({self.href})"))
            self.href = None
        if tag in ("p", "li", "pre", "blockquote", "h3", "h4", "h5", "h6", "tr"):
            self.paragraph = None

    def handle_data(self, data):
        if self.paragraph is None:
            if not data.strip():
                return
            self._start()
        run = self.paragraph.add_run(_xml(data))
        run.bold = bool(self.bold) or None
        run.italic = bool(self.italic) or None
        if self.code:
            run.font.name = "Courier New"


def add_markdown(document, text: str) -> None:
    writer = _MarkdownToWord(document)
    writer.feed(str(render_markdown(text)))
    writer.close()


def _table(document, headers: list[str], rows: list[list], widths: list[float] | None = None):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(_xml(header)).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = _xml(value)
    if widths:
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
    return table


def _page_number_footer(document) -> None:
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


def _facts(document, facts: list[tuple[str, str]]) -> None:
    table = document.add_table(rows=0, cols=2)
    for label, value in facts:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = _xml(label), _xml(f": {value}")
        cells[0].width, cells[1].width = Cm(4), Cm(12)


def _signatures(document, context: dict) -> None:
    document.add_paragraph()
    table = document.add_table(rows=4, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.cell(0, 1).text = context["sign_date"]
    table.cell(1, 0).text = _("Chair of the meeting")
    table.cell(1, 1).text = _("Minute-taker")
    table.cell(2, 0).text = table.cell(2, 1).text = "\n\n\n"
    for column, person in enumerate((context["chair"], context["minute_taker"])):
        cell = table.cell(3, column)
        cell.text = ""
        cell.paragraphs[0].add_run(_xml(person["name"] or "……………………………")).bold = True
        cell.add_paragraph(_xml(f"{_('NIP')} {person['nip'] or '……………………………'}"))
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def minutes_docx(*, minutes: Minutes, language: str | None = None) -> bytes:
    """The notulen as DOCX bytes, in `language` (default settings.LANGUAGE_CODE)."""
    with override(language or settings.LANGUAGE_CODE):
        context = minutes_context(minutes=minutes)
        meeting, when, totals = context["meeting"], context["when"], context["totals"]
        document = Document()
        section = document.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.top_margin = section.bottom_margin = Cm(2)
        section.left_margin, section.right_margin = Cm(2), Cm(1.8)
        document.styles["Normal"].font.name = "Arial"
        document.styles["Normal"].font.size = Pt(10.5)
        _page_number_footer(document)

        title = document.add_heading(_("Minutes of the meeting").upper(), level=0)
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        subtitle = document.add_paragraph(_xml(meeting.title))
        subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if not context["approved"]:
            document.add_paragraph(_("DRAFT — not yet approved")).runs[0].bold = True

        facts = []
        if meeting.letter_number:
            facts.append((_("Letter number"), meeting.letter_number))
        facts += [(_("Day, date"), when["day"]), (_("Time"), when["time"])]
        if context["place"]:
            facts.append((_("Place"), context["place"]))
        if context["online_url"]:
            facts.append((_("Online link"), context["online_url"]))
        facts += [
            (_("Host"), str(meeting.host_agency)),
            (_("Chair"), context["chair"]["name"] or "—"),
            (_("Minute-taker"), context["minute_taker"]["name"] or "—"),
            (
                _("Participants"),
                _("%(present)d present of %(invited)d invited")
                % {"present": totals["present"], "invited": totals["invited"]},
            ),
        ]
        _facts(document, facts)

        document.add_heading(_("Attendance"), level=1)
        headers = [
            pgettext("row number", "No."),
            _("Agency"),
            _("Invited"),
            _("Present"),
            _("Excused"),
            _("Represented"),
            _("Absent"),
        ]
        rows = [
            [i, r.agency, r.invited, r.present, r.excused, r.represented, r.absent]
            for i, r in enumerate(context["attendance"], start=1)
        ]
        rows.append(
            [
                "",
                _("Total"),
                *(
                    totals[key]
                    for key in ("invited", "present", "excused", "represented", "absent")
                ),
            ]
        )
        _table(document, headers, rows, [1, 6.5, 1.8, 1.8, 1.8, 2.2, 1.8])

        document.add_heading(_("Discussion"), level=1)
        for number, part in enumerate(context["sections"], start=1):
            document.add_heading(_xml(f"{number}. {part['title']}"), level=2)
            add_markdown(document, part["discussion"])

        document.add_heading(_("Conclusions"), level=1)
        add_markdown(document, context["conclusions"] or "—")

        document.add_heading(_("Decisions"), level=1)
        for decision in context["decisions"]:
            paragraph = document.add_paragraph(_xml(f"{decision.number}. {decision.text}"))
            if decision.agenda_item:
                paragraph.add_run(_xml(f" ({decision.agenda_item.title})")).italic = True
        if not context["decisions"]:
            document.add_paragraph("—")

        document.add_heading(_("Follow-up actions"), level=1)
        if context["actions"]:
            _table(
                document,
                [
                    pgettext("row number", "No."),
                    _("What"),
                    _("Responsible"),
                    _("Due date"),
                    _("Status"),
                ],
                [
                    [a["number"], a["title"], a["responsible"], a["due_date"], a["status"]]
                    for a in context["actions"]
                ],
                [1, 7, 4, 2.6, 2.2],
            )
        else:
            document.add_paragraph("—")

        _signatures(document, context)
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()
