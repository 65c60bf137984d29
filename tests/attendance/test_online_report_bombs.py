"""A participant report that unpacks to many rows or columns is refused after reading what
the limits allow, not after reading it all: a 300 KB workbook of a million rows took a web
worker a minute and 450 MB before it was refused. (Without a <dimension> element openpyxl
still scans the sheet once to size it: about 3 s per 35 MB unpacked, bounded by MAX_UNPACKED.)"""

import io
import time
import zipfile

import pytest

from attendance.online import tabular

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def workbook(rows: bytes, dimension: str = "") -> bytes:
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            f'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{TYPES}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" '
            f'ContentType="{TYPES}.worksheet+xml"/></Types>'
        ).encode(),
        "_rels/.rels": (
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>'
            '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ).encode(),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{MAIN}">'.encode()
            + (f'<dimension ref="{dimension}"/>'.encode() if dimension else b"")
            + b"<sheetData>"
            + rows
            + b"</sheetData></worksheet>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


CELL = b'<c t="inlineStr"><is><t>Budi</t></is></c>'


def test_too_many_rows_are_refused_once_past_the_limit(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_ROWS", 1_000)
    data = workbook((b"<row>" + CELL + b"</row>") * 300_000, dimension="A1:A300000")

    started = time.monotonic()
    with pytest.raises(tabular.Unreadable):
        tabular.read_rows(data, "report.xlsx")

    assert time.monotonic() - started < 3


def test_a_cell_in_the_last_column_does_not_widen_every_row():
    rows = b'<row r="1"><c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>' + b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>Budi</t></is></c></row>' % (n, n)
        for n in range(2, 10_000)
    )

    started = time.monotonic()
    read = tabular.read_rows(workbook(rows, dimension="A1:XFD9999"), "report.xlsx")

    assert time.monotonic() - started < 3
    assert read[1][0] == "Budi"
    assert len(read) == 9_999
