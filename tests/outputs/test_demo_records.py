"""Done when: the demo's 2021 meeting has a final surat undangan, a closed daftar hadir per
session (one late signature marked with its reason), approved and frozen notulen with the
actions as decided, and a finalised laporan; a second run adds no version."""

import io

import pytest
from django.core.files.storage import FileSystemStorage
from pypdf import PdfReader

from events.demo_common import PAST_TITLE
from events.models import Meeting
from outputs.models import Document
from records.models import FrozenDocument
from tests.support.demo import load_all
from tests.support.found import present

pytestmark = pytest.mark.django_db
Kind = FrozenDocument.Kind


@pytest.fixture(autouse=True)
def documents_storage(tmp_path, monkeypatch):
    monkeypatch.setattr(
        Document._meta.get_field("file"), "storage", FileSystemStorage(location=tmp_path)
    )


def text(document: FrozenDocument) -> str:
    pages = PdfReader(io.BytesIO(document.pdf_bytes())).pages
    return "".join("".join(page.extract_text() for page in pages).split())


def test_the_2021_meeting_has_every_record_and_a_second_run_adds_none():
    load_all()
    meeting = Meeting.objects.get(title=PAST_TITLE)

    documents = FrozenDocument.objects.filter(meeting=meeting)
    by_kind = {kind: list(documents.filter(kind=kind)) for kind in Kind.values}
    [letter] = by_kind[Kind.SURAT_UNDANGAN]
    sheets = by_kind[Kind.DAFTAR_HADIR]
    [notulen] = by_kind[Kind.NOTULEN]
    [laporan] = by_kind[Kind.LAPORAN]
    assert "B-1234/BD.I/HM.01/11/2021" in text(letter)
    assert "12November2021" in text(letter)
    assert len(sheets) == meeting.sessions.count() == 2
    assert "Mengetahui," in text(sheets[0])
    assert "NurulHidayah" in text(sheets[0])
    day_one = next(s for s in sheets if present(s.subject).title == "Hari 1")
    assert "tandatangansusulan" in text(day_one)
    notulen_text = text(notulen)
    assert "Dasar:SuratUndanganNomorB-1234/BD.I/HM.01/11/2021tanggal12November2021" in notulen_text
    assert "Jakarta,3Desember2021" in notulen_text
    assert "Terbuka" in notulen_text
    assert laporan.signers == ["Rina Kusumawati"]
    assert "6Desember2021" in text(laporan)
    # As decided and reported in 2021: no status or due date of a later year, one total row.
    assert "Selesai" not in notulen_text
    assert "Selesai" not in text(laporan)
    assert not any(str(year) in notulen_text + text(laporan) for year in range(2023, 2031))
    assert text(laporan).count("Jumlah") == 1

    load_all()

    assert FrozenDocument.objects.filter(meeting=meeting).count() == documents.count() == 5
