"""A small document to freeze in tests: a real PDF (WeasyPrint) that prints its stamp."""

from weasyprint import HTML

from records.models import FrozenDocument
from records.services import Rendered, Stamp, freeze_document


def stamped_pdf(stamp: Stamp, text: str = "Notulen rapat") -> bytes:
    html = (
        f"<html><body><h1>{text}</h1><p>Versi {stamp.version}</p>"
        f'<img src="{stamp.qr_png}" alt=""><p>{stamp.code}<br>{stamp.url}</p></body></html>'
    )
    return HTML(string=html).write_pdf()


class SimpleRender:
    """A `render` for freeze_document that remembers the stamps it was given."""

    def __init__(self, text: str, docx: bytes | None):
        self.text, self.docx = text, docx
        self.stamps: list[Stamp] = []

    def __call__(self, stamp: Stamp) -> Rendered:
        self.stamps.append(stamp)
        return Rendered(pdf=stamped_pdf(stamp, self.text), docx=self.docx)


def simple_render(text: str = "Notulen rapat", docx: bytes | None = None) -> SimpleRender:
    return SimpleRender(text, docx)


def page_text(response) -> str:
    """The text a reader sees on the page, whitespace collapsed (no tags, no attributes)."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts: list[str] = []
            self._skip = 0

        def handle_starttag(self, tag, attrs):  # noqa: ARG002 (HTMLParser's hook)
            self._skip += tag in ("script", "style")

        def handle_endtag(self, tag):
            self._skip -= tag in ("script", "style")

        def handle_data(self, data):
            if not self._skip:
                self.parts.append(data)

    reader = Reader()
    reader.feed(response.content.decode())
    return " ".join(" ".join(reader.parts).split())


def freeze(meeting, subject, actor, **overrides):
    """freeze_document with a notulen's defaults: `overrides` change any argument."""
    arguments = {
        "meeting": meeting,
        "kind": FrozenDocument.Kind.NOTULEN,
        "subject": subject,
        "title": "Notulen Rapat Koordinasi",
        "signers": ["Dr. H. Ahmad Fauzi, M.Pd."],
        "render": simple_render(),
        "actor": actor,
    }
    return freeze_document(**arguments | overrides)
