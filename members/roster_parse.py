"""Reading a roster file the way Excel and LibreOffice write it, into a table of named text cells.

XLSX, or CSV in UTF-8 (with or without a byte-order mark), UTF-16 ("Unicode text") or
Windows-1252, separated by commas, semicolons (Excel in an Indonesian locale) or tabs. Headers
are matched to fields case-insensitively, ignoring spaces and punctuation, in Indonesian or
English. Nothing here checks the values: that is roster.py.
"""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import tablib
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIELD_LABELS = {
    "full_name": gettext_lazy("Name"),
    "email": gettext_lazy("Email"),
    "nip": gettext_lazy("NIP"),
    "agency": gettext_lazy("Agency"),
    "work_unit": gettext_lazy("Work unit"),
    "position": gettext_lazy("Position"),
    "rank": gettext_lazy("Rank"),
    "employment": gettext_lazy("Employment"),
}
REQUIRED_FIELDS = ("full_name", "email", "agency")

# Header spellings, lower-case with everything but letters and digits removed.
_HEADER_ALIASES = {
    "full_name": "nama namalengkap namapeserta namapegawai name fullname",
    "email": "email surel alamatemail alamatsurel emailaddress",
    "nip": "nip nomorindukpegawai",
    "agency": (
        "instansi namainstansi asalinstansi kementerianlembaga agency organisation organization"
    ),
    "work_unit": "unitkerja satuankerja satker unit workunit",
    "position": "jabatan namajabatan position jobtitle",
    "rank": "pangkatgolongan pangkatgol pangkat golongan golonganruang rank grade rankgrade",
    "employment": "statuskepegawaian statuspegawai jeniskepegawaian employment employmentstatus",
}
FIELD_BY_HEADER = {
    alias: name for name, aliases in _HEADER_ALIASES.items() for alias in aliases.split()
}
# Not data a roster sets: the running number of hand-kept sheets, and the column "Account" of
# the members directory's export (so an exported file can be edited and imported back).
# Mobile numbers are not read either: a roster serves no meeting in particular, and a meeting
# asks its participants for one only when it uses them (UU 27/2022 Art. 16(2)(b); privacy/).
_PHONE_HEADERS = (
    "nomorhp nohp hp nomorponsel nomortelepon notelp telepon telp nomorwa nowa whatsapp "
    "phone phonenumber mobile mobilenumber"
)
_IGNORED_HEADERS = {"no", "nourut", "nomorurut", "account", "akun", *_PHONE_HEADERS.split()}
_SEPARATORS = (",", ";", "\t")
_HEADER_SEARCH_ROWS = 10  # a title or a blank line may sit above the header
MAX_UNPACKED_BYTES = 60 * 1024 * 1024  # a full 5 MB workbook of names unpacks to about 40 MB


class UnreadableFile(Exception):
    """The file is no table Rakor can read; its message says why, in the user's language."""


@dataclass
class SheetRow:
    line: int  # the row number the spreadsheet shows, the header being row 1 in most files
    values: dict[str, str]
    stray_cells: bool = False  # text in a column that has no header


@dataclass
class Sheet:
    format: str  # "csv" or "xlsx"
    fields: list[str] = field(default_factory=list)  # fields found in the header, in order
    rows: list[SheetRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # about the columns or the whole file


def header_key(text: str) -> str:
    """'Pangkat/Golongan' → 'pangkatgolongan', 'No. HP' → 'nohp', 'E-mail' → 'email'."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def read_sheet(content: bytes) -> Sheet:
    """The rows below the header of a CSV or XLSX file, each a dict of field → cell text."""
    if not content.strip():
        raise UnreadableFile(_("The file is empty."))
    if content.startswith(b"PK\x03\x04"):
        return _to_sheet("xlsx", _xlsx_lines(content))
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            _("Rakor cannot read old Excel 97–2003 (.xls) files: save it as .xlsx or CSV.")
        )
    text = _decode(content)
    return _to_sheet("csv", _csv_lines(text, _separator(text)))


def _separator(text: str) -> str:
    """The separator under which the top of the file has the most known headers; else a comma.

    Counting separators is not enough: names carry commas ("Siti Aminah, S.Sos.").
    """
    top = "\n".join(text[:65536].splitlines()[:_HEADER_SEARCH_ROWS])

    def known_headers(separator: str) -> int:
        try:
            _position, header = _find_header(list(_csv_lines(top, separator)))
        except UnreadableFile:
            return -1
        return sum(header_key(cell) in FIELD_BY_HEADER for cell in header or [])

    return max(_SEPARATORS, key=known_headers)


def _xlsx_lines(content: bytes) -> Iterable[tuple[int, list[str]]]:
    _refuse_zip_bomb(content)
    try:
        dataset = tablib.Dataset().load(content, format="xlsx", headers=False)
    except Exception:
        # openpyxl raises a dozen kinds of error on a damaged file or a zip that is no workbook.
        raise UnreadableFile(_("This file is not a CSV or XLSX spreadsheet.")) from None
    # tablib keeps every row of the sheet, blank ones too, so the index is Excel's row number.
    for index, row in enumerate(dataset, start=1):
        yield index, [_cell_text(value) for value in row]


def _refuse_zip_bomb(content: bytes) -> None:
    """A workbook is a zip: 5 MB of it can unpack to gigabytes of XML, all read into memory."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except zipfile.BadZipFile:
        raise UnreadableFile(_("This file is not a CSV or XLSX spreadsheet.")) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise UnreadableFile(
            _("This workbook holds more than %(limit)s once unpacked: split the roster.")
            % {"limit": filesizeformat(MAX_UNPACKED_BYTES)}
        )


def _decode(content: bytes) -> str:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif content.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        text = content.decode(encoding)
    except UnicodeDecodeError:
        try:
            # Excel's "CSV" (not "CSV UTF-8") on Windows writes the ANSI code page.
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            raise UnreadableFile(_("This file is not a CSV or XLSX spreadsheet.")) from None
    if re.search(r"[\x00-\x08\x0b\x0e-\x1f]", text):
        raise UnreadableFile(_("This file is not a CSV or XLSX spreadsheet."))
    return text


def _csv_lines(text: str, separator: str) -> Iterable[tuple[int, list[str]]]:
    # Not tablib's CSV loader: it drops blank lines, so its row numbers drift from Excel's.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    row_number = 0
    try:
        for cells in reader:
            row_number += 1
            yield row_number, [_clean(cell) for cell in cells]
    except csv.Error:
        raise UnreadableFile(
            _("Row %(line)s of the file cannot be read as CSV.") % {"line": row_number + 1}
        ) from None


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if abs(value) >= 1e15:
            # Excel keeps 15 digits: an NIP typed as a number has lost its last ones. Show it
            # the way Excel does, so the check on NIPs can say so.
            return f"{value:.15G}"
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    return _clean(str(value))


def _clean(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def _to_sheet(file_format: str, lines: Iterable[tuple[int, list[str]]]) -> Sheet:
    sheet = Sheet(format=file_format)
    lines = list(lines)
    position, header = _find_header(lines)
    if header is None:
        raise UnreadableFile(_("The file is empty."))
    header_line = lines[position][0]
    columns = _map_columns(sheet, header)
    for line, cells in lines[position + 1 :]:
        if not any(cells):
            continue
        values = {name: cells[i] for i, name in columns.items() if i < len(cells)}
        stray = any(cell and (i >= len(header) or not header[i]) for i, cell in enumerate(cells))
        sheet.rows.append(SheetRow(line=line, values=values, stray_cells=stray))
    if not sheet.rows:
        sheet.problems.append(
            _("The file has no rows below its header (row %(line)s).") % {"line": header_line}
        )
    return sheet


def _find_header(lines: list[tuple[int, list[str]]]) -> tuple[int, list[str] | None]:
    """The first row with two known headers near the top; else the first row that is not blank.

    Returns its position in lines and its cells.
    """
    top = lines[:_HEADER_SEARCH_ROWS]
    for position, (_line, cells) in enumerate(top):
        if sum(header_key(cell) in FIELD_BY_HEADER for cell in cells) >= 2:
            return position, cells
    for position, (_line, cells) in enumerate(lines):
        if any(cells):
            return position, cells
    return 0, None


def _map_columns(sheet: Sheet, header: list[str]) -> dict[int, str]:
    columns: dict[int, str] = {}
    seen: dict[str, str] = {}
    for index, title in enumerate(header):
        key = header_key(title)
        if not title or title == "#" or key in _IGNORED_HEADERS:
            continue
        name = FIELD_BY_HEADER.get(key)
        if name is None:
            sheet.problems.append(
                _(
                    "Unknown column “%(header)s”: rename it to one Rakor knows (%(known)s) "
                    "or remove it."
                )
                % {"header": title, "known": known_columns_text()}
            )
        elif name in seen:
            sheet.problems.append(
                _("The columns “%(first)s” and “%(second)s” both hold the %(field)s.")
                % {"first": seen[name], "second": title, "field": FIELD_LABELS[name]}
            )
        else:
            seen[name] = title
            columns[index] = name
            sheet.fields.append(name)
    for name in REQUIRED_FIELDS:
        if name not in seen:
            sheet.problems.append(
                _("The file has no column for the %(field)s (a required value).")
                % {"field": FIELD_LABELS[name]}
            )
    return columns


def known_columns_text() -> str:
    return _(
        "nama, email, NIP, instansi, unit kerja, jabatan, pangkat/golongan, nomor HP, "
        "status kepegawaian"
    )
