"""A spreadsheet as rows of cells, whatever it came as: CSV (UTF-8, UTF-8 with BOM, UTF-16 as
Teams writes it, or Windows-1252; comma, semicolon or tab) or XLSX (read by openpyxl, streamed)."""

import csv
import io
import zipfile
from datetime import date, datetime, time

import openpyxl

MAX_ROWS = 50_000
MAX_UNPACKED = 100 * 1024 * 1024
MAX_COLUMNS = 100  # the platforms' reports have fewer than 20


class Unreadable(Exception):
    """The file is neither a CSV nor an XLSX file that can be read."""


Cell = str | datetime | date | time | int | float | None


def read_rows(data: bytes, filename: str) -> list[list[Cell]]:
    """The file's rows, each a list of cells (text, or the dates and numbers of an XLSX file);
    trailing empty cells kept, empty rows kept (they separate the sections of some reports)."""
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm")):
        return _xlsx_rows(data)
    return _csv_rows(data)


def _decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:  # cut short, or a broken character
            raise Unreadable from error
    if data[:3] == b"\xef\xbb\xbf":
        return data[3:].decode("utf-8")
    if b"\x00" in data[:200]:
        # UTF-16 without its mark: every other byte of ASCII text is zero.
        try:
            return data.decode("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be")
        except UnicodeDecodeError as error:
            raise Unreadable from error
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(data: bytes) -> list[list[Cell]]:
    if not data.strip():
        raise Unreadable
    text = _decode(data)
    if "\x00" in text:
        raise Unreadable
    sample = "\n".join(text.splitlines()[:40])
    delimiter = max(("\t", ",", ";"), key=sample.count)
    if sample.count(delimiter) == 0:
        raise Unreadable
    try:
        rows: list[list[Cell]] = [
            list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        ]
    except csv.Error as error:
        raise Unreadable from error
    if len(rows) > MAX_ROWS:
        raise Unreadable
    return rows


def _cell(value: object) -> Cell:
    """An XLSX cell's value: empty as "", text, numbers, dates and times as they are, anything
    else (a duration, an error value) as its text, which is how the readers take it."""
    if value is None:
        return ""
    if isinstance(value, str | datetime | date | time | int | float):
        return value
    return str(value)


def _xlsx_rows(data: bytes) -> list[list[Cell]]:
    # A workbook is a zip: a few MB of it can unpack to gigabytes of XML, all read into memory.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(item.file_size for item in archive.infolist()) > MAX_UNPACKED:
                raise Unreadable
    except Unreadable:
        raise
    except Exception as error:  # not a zip, or one zipfile cannot open (NotImplementedError…)
        raise Unreadable from error
    # Streamed (read-only), and stopped once past MAX_ROWS: a small workbook can hold millions
    # of rows; MAX_COLUMNS: one cell in the last column widens every row to 16,384 cells.
    rows: list[list[Cell]] = []
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = book.active
            if sheet is None:  # a workbook without a worksheet
                raise Unreadable
            for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                if len(rows) == MAX_ROWS:
                    raise Unreadable
                rows.append([_cell(value) for value in row])
        finally:
            book.close()
    except Unreadable:
        raise
    except Exception as error:  # openpyxl raises many kinds of error on a damaged workbook
        raise Unreadable from error
    return rows


def text(cell: Cell) -> str:
    if cell is None:
        return ""
    return str(cell).strip()
