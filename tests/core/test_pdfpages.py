"""Appending the pages of other PDFs (the notulen's lampiran): every page, as it was, and what the
pages of a document share stored once."""

import io
import random

from PIL import Image
from pypdf import PdfReader
from weasyprint import HTML

from core.pdfpages import append_pages


def _noise_png(seed: int) -> str:
    """A picture that does not compress: about 90 KB whatever the encoder."""
    import base64

    rng = random.Random(seed)
    image = Image.frombytes("RGB", (200, 150), bytes(rng.randrange(256) for _ in range(90_000)))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _pdf(title: str, pages: int, picture: str = "") -> bytes:
    body = "".join(
        f'<section style="break-after: page"><h1>{title}, halaman {n}</h1>'
        f"{f'<img src={picture!r}>' if picture else ''}</section>"
        for n in range(1, pages + 1)
    )
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def _texts(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_every_page_of_each_document_follows_the_base_in_order():
    base = _pdf("Notulen", 2)

    result = append_pages(base, [_pdf("Daftar hadir Hari 1", 3), _pdf("Daftar hadir Hari 2", 1)])

    assert _texts(result) == [
        "Notulen, halaman 1",
        "Notulen, halaman 2",
        "Daftar hadir Hari 1, halaman 1",
        "Daftar hadir Hari 1, halaman 2",
        "Daftar hadir Hari 1, halaman 3",
        "Daftar hadir Hari 2, halaman 1",
    ]


def test_what_the_pages_of_a_document_share_is_stored_once():
    # WeasyPrint gives every page the document's resources: its fonts and its pictures.
    base = _pdf("Notulen", 1)
    sheet = _pdf("Daftar hadir", 6, picture=_noise_png(1))
    assert len(sheet) > 80_000

    result = append_pages(base, [sheet])

    assert len(_texts(result)) == 7
    # Six copies of the picture would be more than 500 KB.
    assert len(result) < len(base) + len(sheet) + 20_000
