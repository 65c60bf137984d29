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

A table's export is one mechanism whatever the table (core/export_views.export_table): its rows
are read from the database a chunk at a time (`QuerySet.iterator`), so no process holds the
whole table. A small table's CSV streams to the browser as it is written; a big table's CSV and
every XLSX (openpyxl's write-only mode) are built by Celery into a file, with their progress on
a page and a download link when ready (core/models.ExportJob, core/services.py), so no web
worker waits for them.
"""

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, BinaryIO

import tablib
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django_tables2.rows import BoundRow

from .dates import export_iso
from .text import without_controls

# What makes a spreadsheet read a cell as a formula: its first character, or the first after
# leading spaces (full-width forms too, which some spreadsheet versions take for the sign).
FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
LINE_STARTS = ("\t", "\r", "\n")


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PDF = "pdf"

    @property
    def content_type(self) -> str:
        return {
            ExportFormat.CSV: "text/csv; charset=utf-8",
            ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ExportFormat.PDF: "application/pdf",
        }[self]

    @classmethod
    def from_url(cls, value: str) -> "ExportFormat":
        """The table format named in a URL (CSV or XLSX); any other is a page that does not
        exist."""
        if value not in (cls.CSV, cls.XLSX):
            raise Http404(f"No table export format {value!r}.")
        return cls(value)


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


# --- Tables of any size -----------------------------------------------------------------------

# Rows read from the database at a time: the memory an export holds, whatever the table's size.
CHUNK_ROWS = 2000


@dataclass
class ExportTable:
    """A django-tables2 table ready to export (filtered, sorted, not paginated) with the file's
    title and name (without extension). Each page's builder makes one from a query string.
    `access` is the access log's kind for a table of people (personal_data.models.Access), logged
    when the file is streamed or downloaded; empty for a table of no one's personal data."""

    table: Any
    title: str
    filename: str
    access: str = ""

    @property
    def records(self):
        """The table's rows in its order; a queryset is not evaluated."""
        return self.table.data.data


@dataclass
class ExportDocument:
    """A document of people (a PDF such as a daftar hadir) to export: `render` makes its bytes,
    `people` is whom it holds (counted to decide whether it is made within the request or by
    Celery, and logged in the access log under `access` when it is taken)."""

    render: Callable[[], bytes]
    people: QuerySet
    title: str
    filename: str
    access: str = ""

    @property
    def records(self) -> QuerySet:
        return self.people


# A builder: (user, meeting or None, the page's query) -> ExportTable or ExportDocument. Named
# by dotted path in an ExportJob, so that a Celery worker rebuilds the same export.
Export = ExportTable | ExportDocument
Builder = Callable[..., Export]

# Who may take each builder's file, by the builder's dotted path: the predicate of the page it
# exports (see `gated`).
GATES: dict[str, Callable[..., bool]] = {}


def gated(gate: Callable[..., bool]) -> Callable[[Builder], Builder]:
    """Declares who may take the file of the builder it decorates: `gate` is the predicate of
    the page the builder exports, `gate(user)` for a table of no meeting, `gate(user, meeting)`
    for a meeting's. It is asked when the export is asked for and again at every download of a
    file built in the background, so that someone who has lost the right since (an organizer
    taken out of the group) no longer downloads the file they asked for before."""

    def declare(builder: Builder) -> Builder:
        GATES[f"{builder.__module__}.{builder.__qualname__}"] = gate
        return builder

    return declare


def may_export(*, builder: str, user, meeting=None) -> bool:
    """Whether `user` may take the file of `builder` (a dotted path) of `meeting` (None for a
    table of no meeting) now: the builder's gate."""
    import_string(builder)  # its module declares its gate
    gate = GATES.get(builder)
    if gate is None:
        raise ImproperlyConfigured(f"The export builder {builder} declares no gate (gated).")
    if not user.is_authenticated:
        return False
    return gate(user) if meeting is None else gate(user, meeting)


def sort_table(table, query: QueryDict) -> None:
    """Sort `table` as the page's query asks (what RequestConfig does, without a request)."""
    order = query.get(table.prefixed_order_by_field)
    if order:
        table.order_by = order


def table_rows(
    export: ExportTable, *, progress: Callable[[int], None] | None = None
) -> Iterator[list]:
    """The header row, then every row's export values (columns marked `exclude_from_export`
    left out, as django-tables2's as_values), reading the database CHUNK_ROWS at a time."""
    table = export.table
    columns = [
        column for column in table.columns.iterall() if not column.column.exclude_from_export
    ]
    yield [neutralise(force_str(column.header, strings_only=True)) for column in columns]
    records = export.records
    if isinstance(records, QuerySet):
        records = records.iterator(chunk_size=CHUNK_ROWS)
    for done, record in enumerate(records, start=1):
        row = BoundRow(record, table=table)
        yield [
            neutralise(force_str(row.get_cell_value(column.name), strings_only=True))
            for column in columns
        ]
        if progress is not None and done % CHUNK_ROWS == 0:
            progress(done)


class _Line:
    """What csv.writer writes to: hands back each line instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: Iterable[Sequence]) -> Iterator[bytes]:
    """The rows as CSV, UTF-8 with a BOM, a few hundred lines per chunk."""
    writer = csv.writer(_Line())
    yield "\ufeff".encode()
    lines: list[str] = []
    for row in rows:
        lines.append(writer.writerow(row))
        if len(lines) >= 500:
            yield "".join(lines).encode("utf-8")
            lines = []
    if lines:
        yield "".join(lines).encode("utf-8")


def write_xlsx(rows: Iterable[Sequence], output: BinaryIO, *, title: str = "") -> None:
    """The rows as an XLSX workbook of one sheet, written row by row (openpyxl's write-only
    mode keeps no row in memory once written)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    # A sheet's title is at most 31 characters and cannot hold some signs.
    sheet = workbook.create_sheet(
        title="".join(c for c in str(title) if c not in "[]:*?/\\")[:31] or "Sheet1"
    )
    for row in rows:
        sheet.append(row)
    workbook.save(output)


def streamed_csv_response(export: ExportTable) -> StreamingHttpResponse:
    """The table as a CSV download written while it is sent: the web worker holds one chunk of
    rows at a time, never the file."""
    response = StreamingHttpResponse(
        csv_chunks(table_rows(export)), content_type=ExportFormat.CSV.content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{export.filename}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
