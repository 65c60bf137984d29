"""Roster files as organizers make them: Excel workbooks and the CSV variants Excel writes."""

import csv
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

HEADER_ID = [
    "Nama",
    "Email",
    "NIP",
    "Instansi",
    "Unit Kerja",
    "Jabatan",
    "Pangkat/Golongan",
    "No. HP",
]
HEADER_EN = ["name", "email", "nip", "agency", "work unit", "position", "rank", "phone"]

SITI = [
    "Siti Nurhaliza Daulay",
    "siti.daulay@kemenag.go.id",
    "198503152010012001",
    "Kementerian Agama",
    "Sekretariat Balitbang Diklat",
    "Pranata Humas Ahli Muda",
    "III/c",
    "0812-3456-7890",
]
DESIREE = [
    "Désirée Manurung",
    "desiree.manurung@bps.go.id",
    "19900102 201503 2 004",
    "Badan Pusat Statistik",
    "Biro Humas dan Hukum",
    "Pranata Humas Ahli Pertama",
    "Penata Muda (III/a)",
    "+62 813 1111 2222",
]


def csv_file(rows, *, separator=",", encoding="utf-8", bom=False) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=separator, lineterminator="\r\n").writerows(rows)
    content = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + content) if bom else content


def xlsx_file(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has one
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def person(n: int, agency: str = "Kementerian Agama") -> list[str]:
    """A valid row for the n-th person of a long roster."""
    return [
        f"Pegawai Contoh {n}",
        f"pegawai.{n}@contoh.go.id",
        f"19{80 + n % 15}0{1 + n % 9}1{n % 9}20{10 + n % 10}0{1 + n % 9}{1 + n % 2}{n % 1000:03d}",
        agency,
        "Biro Hubungan Masyarakat",
        "Pranata Humas Ahli Muda",
        "III/b",
        f"0812{n:08d}",
    ]


IMPORT_URL = reverse("members:import")


CONFIRM_URL = reverse("members:import_confirm")


def upload(client, content: bytes, name: str = "peserta.csv", **headers):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content)}, headers=headers)


def preview_token(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response.url.rstrip("/").rsplit("/", 1)[1]


def confirm(client, token: str):
    return client.post(CONFIRM_URL, {"token": token}, follow=True)
