"""The notulen as a Word document (python-docx), for those who edit them in Word.

The same content as the PDF (outputs/notulen.py), from the same snapshot: the kop, the
convention's header ("Dasar: Surat Undangan Nomor …", "Peserta: daftar hadir terlampir"), the
numbered acara and their discussion, conclusions, numbered decisions, the actions as a table and
the signature blocks ("Mengetahui," with the chair). Discussion Markdown is rendered and
sanitised by outputs.markdown first, then walked into Word paragraphs and runs (bold, italic,
list items, headings); text is only ever added as run text, so nothing typed can become markup
in the file.
"""

import base64
from html.parser import HTMLParser

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override, pgettext
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm
from docx.text.paragraph import Paragraph

from core.docx import a4, add_kop, as_bytes, page_number_footer
from core.docx import xml_text as _xml
from members.letterhead import Letterhead

from .markdown import render_markdown
from .models import Minutes


class _MarkdownToWord(HTMLParser):
    """Writes sanitised Markdown HTML into `document` as paragraphs and runs."""

    def __init__(self, document) -> None:
        super().__init__(convert_charrefs=True)
        self.document = document
        self.paragraph: Paragraph | None = None
        self.bold = self.italic = self.code = 0
        self.lists: list[str] = []
        self.href: str | None = None

    def _start(self, style: str | None = None) -> Paragraph:
        self.paragraph = self.document.add_paragraph(style=style)
        return self.paragraph

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
        paragraph = self.paragraph
        if paragraph is None:
            if not data.strip():
                return
            paragraph = self._start()
        run = paragraph.add_run(_xml(data))
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


def _facts(document, facts: list[tuple[str, str]]) -> None:
    table = document.add_table(rows=0, cols=2)
    for label, value in facts:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = _xml(label), _xml(f": {value}")
        cells[0].width, cells[1].width = Cm(4), Cm(12)


def _signatures(document, snapshot: dict) -> None:
    document.add_paragraph()
    table = document.add_table(rows=4, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    place = snapshot["sign_place"]
    day = snapshot["sign_date"]
    table.cell(0, 1).text = _xml(f"{place}, {day}" if place else day)
    table.cell(1, 0).text = _xml(
        f"{pgettext('notulen', 'Acknowledged by,')}\n{_('Chair of the meeting')},"
    )
    table.cell(1, 1).text = _xml(f"\n{_('Minute-taker')},")
    table.cell(2, 0).text = table.cell(2, 1).text = "\n\n\n"
    for column, person in enumerate((snapshot["chair"], snapshot["minute_taker"])):
        cell = table.cell(3, column)
        cell.text = ""
        cell.paragraphs[0].add_run(_xml(person["name"] or "……………………………")).bold = True
        cell.add_paragraph(_xml(f"{_('NIP')} {person['nip'] or '……………………………'}"))
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _participants(snapshot: dict) -> str:
    people = snapshot["participants"]
    summary = (
        ngettext(
            "%(present)s person present from %(agencies)s agencies, of %(invited)s invited",
            "%(present)s people present from %(agencies)s agencies, of %(invited)s invited",
            people["present"],
        )
        % people
    )
    return f"{pgettext('notulen', 'attendance list attached')} ({summary})"


def notulen_docx(*, snapshot: dict) -> bytes:
    """The notulen as DOCX bytes from a snapshot (outputs/notulen.py); call it inside
    translation.override."""
    document = Document()
    a4(document, left=2.0, right=1.8)
    page_number_footer(document)
    kop = snapshot["kop"]
    logo = kop["logo_src"].partition("base64,")[2]
    add_kop(
        document,
        Letterhead(
            name=kop["name"],
            unit=kop["unit"],
            address=kop["address"],
            logo=base64.b64decode(logo) if logo else None,
        ),
    )
    title = document.add_heading(_("Minutes of the meeting").upper(), level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = document.add_paragraph(_xml(snapshot["title"]))
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if not snapshot["approved"]:
        document.add_paragraph(_("DRAFT — not yet approved")).runs[0].bold = True

    facts = []
    basis = snapshot["basis"]
    if basis:
        text = (
            _("Invitation letter number %(number)s of %(date)s") % basis
            if basis["date"]
            else _("Invitation letter number %(number)s") % basis
        )
        facts.append((pgettext("notulen", "Basis"), text))
    facts += [(_("Day, date"), snapshot["day"]), (_("Time"), snapshot["time"])]
    if snapshot["place"]:
        facts.append((_("Place"), snapshot["place"]))
    if snapshot["online_url"]:
        facts.append((_("Online link"), snapshot["online_url"]))
    chair = snapshot["chair"]
    facts += [
        (_("Chair"), ", ".join(p for p in (chair["name"] or "—", chair["position"]) if p)),
        (_("Minute-taker"), snapshot["minute_taker"]["name"] or "—"),
        (_("Participants"), _participants(snapshot)),
    ]
    _facts(document, facts)

    document.add_heading(_("Agenda"), level=1)
    for number, part in enumerate(snapshot["sections"], start=1):
        document.add_paragraph(_xml(f"{number}. {part['title']}"))
    document.add_heading(_("Discussion"), level=1)
    for number, part in enumerate(snapshot["sections"], start=1):
        document.add_heading(_xml(f"{number}. {part['title']}"), level=2)
        add_markdown(document, part["discussion"])

    document.add_heading(_("Conclusions"), level=1)
    add_markdown(document, snapshot["conclusions"] or "—")

    document.add_heading(_("Decisions"), level=1)
    for decision in snapshot["decisions"]:
        paragraph = document.add_paragraph(_xml(f"{decision['number']}. {decision['text']}"))
        if decision["agenda_item"]:
            paragraph.add_run(_xml(f" ({decision['agenda_item']})")).italic = True
    if not snapshot["decisions"]:
        document.add_paragraph("—")

    document.add_heading(_("Follow-up actions"), level=1)
    if snapshot["actions"]:
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
                for a in snapshot["actions"]
            ],
            [1, 7, 4, 2.6, 2.2],
        )
    else:
        document.add_paragraph("—")
    _signatures(document, snapshot)
    return as_bytes(document)


def minutes_docx(*, minutes: Minutes, language: str | None = None, viewer=None) -> bytes:
    """The notulen as they read now, as DOCX bytes, in `language` (default
    settings.LANGUAGE_CODE)."""
    from .notulen import notulen_snapshot

    with override(language or settings.LANGUAGE_CODE):
        return notulen_docx(snapshot=notulen_snapshot(minutes=minutes, viewer=viewer))
