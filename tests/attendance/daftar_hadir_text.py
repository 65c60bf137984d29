"""The text of a daftar hadir PDF, without spaces (pypdf splits words where it likes)."""

import io

from pypdf import PdfReader


def pages_of(pdf: bytes) -> list[str]:
    return ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def squashed(text: str) -> str:
    return "".join(text.split())
