"""HTML to PDF: the collector's threshold is raised during a render only."""

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
