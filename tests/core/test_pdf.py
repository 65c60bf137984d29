"""HTML to PDF: the collector during and after renders, and the pictures a document names."""

import gc

import pytest

from core import pdf


def test_a_render_leaves_the_garbage_collector_as_it_was(monkeypatch):
    seen = []

    class Spy:
        def __init__(self, **kwargs):
            pass

        def write_pdf(self):
            seen.append(gc.get_threshold()[0])
            return b"%PDF-1.7"

    monkeypatch.setattr("weasyprint.HTML", Spy)
    before = gc.get_threshold()

    assert pdf.html_to_pdf("<p>Hadir</p>") == b"%PDF-1.7"

    assert seen == [max(before[0], pdf.RENDER_GC_THRESHOLD)]
    assert gc.get_threshold() == before


def test_a_failed_render_leaves_it_as_it_was_too(monkeypatch):
    class Broken:
        def __init__(self, **kwargs):
            pass

        def write_pdf(self):
            raise ValueError("no fonts")

    monkeypatch.setattr("weasyprint.HTML", Broken)
    before = gc.get_threshold()

    with pytest.raises(ValueError, match="no fonts"):
        pdf.html_to_pdf("<p>Hadir</p>")

    assert gc.get_threshold() == before


def test_after_its_first_document_a_process_keeps_its_code_out_of_the_collectors_sight():
    """The collector's full passes no longer walk the code a process loaded to make PDFs;
    what the process makes later is still collected."""
    first = pdf.html_to_pdf("<p>Hadir</p>")
    frozen = gc.get_freeze_count()

    later = pdf.html_to_pdf("<p>Hadir</p>")

    assert first.startswith(b"%PDF-")
    assert later.startswith(b"%PDF-")
    assert frozen > 10_000  # Django, WeasyPrint and what they hold
    assert gc.get_freeze_count() == frozen  # frozen once, not at every document


def test_a_document_names_its_pictures_and_they_are_drawn():
    from io import BytesIO

    from PIL import Image
    from pypdf import PdfReader

    picture = BytesIO()
    Image.new("L", (40, 20), 0).save(picture, format="PNG")

    made = pdf.html_to_pdf(
        f'<img src="{pdf.image_url("tanda-tangan")}" alt="">',
        images={"tanda-tangan": picture.getvalue()},
    )

    assert len(PdfReader(BytesIO(made)).pages[0].images) == 1
