"""Rows to CSV or XLSX files that are safe to open in a spreadsheet.

Every page that offers a download (members, invitations, attendance, follow-up actions) builds
its rows and hands them here. Two things make a file safe and readable:

- A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a line break is a formula to
  Excel and LibreOffice, so a name like ``=HYPERLINK(...)`` typed into a form could run when
  an organizer opens the file (CSV/formula injection). Such a cell gets a leading ``'``. The
  cell is cleaned first, then checked: control and invisible characters go (XLSX cannot hold
  them, and a writer that drops them after the check would turn ``\x01=HYPERLINK(...)`` back
  into a live formula), and the check looks past leading spaces and at full-width signs too.
- CSV is written as UTF-8 with a byte-order mark, which is what makes Excel read names like
  "Ni Luh Putu Ayu" or "Dr. Muhammad Ja'far" correctly instead of guessing Windows-1252.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import StrEnum

import tablib
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.functional import Promise

from .dates import export_iso
from .text import without_controls

# What makes a spreadsheet read a cell as a formula: its first character, or the first after
# leading spaces (full-width forms too, which some spreadsheet versions take for the sign).
FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
LINE_STARTS = ("\t", "\r", "\n")


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"

    @property
    def content_type(self) -> str:
        return {
            ExportFormat.CSV: "text/csv; charset=utf-8",
            ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }[self]

    @classmethod
    def from_url(cls, value: str) -> "ExportFormat":
        """The format named in a URL; an unknown one is a page that does not exist."""
        try:
            return cls(value)
        except ValueError:
            raise Http404(f"No export format {value!r}.") from None


def neutralise(value):
    """The value as a spreadsheet should see it: text cleaned of control and invisible
    characters, then quoted if it would start a formula. The one guard of every export."""
    if value is None:
        return ""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        value = without_controls(value)
        formula = value.startswith(LINE_STARTS) or value.lstrip().startswith(FORMULA_STARTS)
        return "'" + value if formula else value
    if isinstance(value, datetime) and timezone.is_aware(value):
        # Spreadsheets have no time zones: ISO 8601 with its offset reads the same anywhere.
        # A moment of a meeting is written by core.tables.MomentColumn, in the meeting's zone.
        return export_iso(value)
    return value


def build_dataset(
    *, headers: Sequence, rows: Iterable[Sequence], title: str = ""
) -> tablib.Dataset:
    dataset = tablib.Dataset(title=str(title))
    dataset.headers = [neutralise(header) for header in headers]
    for row in rows:
        dataset.append([neutralise(cell) for cell in row])
    return dataset


def render(dataset: tablib.Dataset, file_format: ExportFormat) -> bytes:
    """The file's bytes: CSV with a BOM, or an XLSX workbook with one sheet."""
    if file_format == ExportFormat.CSV:
        return dataset.export("csv").encode("utf-8-sig")
    if file_format == ExportFormat.XLSX:
        return dataset.export("xlsx")
    raise ValueError(f"Unknown export format {file_format!r}")


def export_response(
    *,
    headers: Sequence,
    rows: Iterable[Sequence],
    file_format: ExportFormat,
    filename: str,
    title: str = "",
) -> HttpResponse:
    """A download of the rows; `filename` is without its extension."""
    file_format = ExportFormat(file_format)
    dataset = build_dataset(headers=headers, rows=rows, title=title or filename)
    response = HttpResponse(render(dataset, file_format), content_type=file_format.content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


def table_export_response(
    *, table, file_format: ExportFormat, filename: str, title: str = ""
) -> HttpResponse:
    """A download of a django-tables2 table: every row (not one page), in the table's order,
    with the columns' headers and export values (columns marked `exclude_from_export` left out).
    """
    values = table.as_values()
    headers = next(values)
    return export_response(
        headers=headers, rows=values, file_format=file_format, filename=filename, title=title
    )
