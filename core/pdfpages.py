"""Appending the pages of other PDFs to a PDF, as they are (pyHanko's writer): how a frozen
notulen carries the closed daftar hadir as its lampiran, page for page, with their own stamps.

Each appended page draws the other document's page as a form XObject on a page of the same
size, so its text, pictures and fonts are those of the original. Signatures of the appended
documents do not carry over (they sign other bytes); the originals stay in the records."""

import io

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer

A4 = (595.28, 841.89)


def _media_box(reader: PdfFileReader, index: int) -> generic.ArrayObject:
    try:
        page = reader.find_page_for_modification(index)[0].get_object()
        box = page.get("/MediaBox")
        if box is not None:
            return generic.ArrayObject([generic.FloatObject(float(v)) for v in box])
    except (KeyError, IndexError, TypeError, ValueError):
        pass
    return generic.ArrayObject(
        [generic.FloatObject(0), generic.FloatObject(0), *map(generic.FloatObject, A4)]
    )


def append_pages(base: bytes, others: list[bytes]) -> bytes:
    """`base` followed by every page of each of `others`, in order."""
    if not others:
        return base
    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(base)))
    for other in others:
        reader = PdfFileReader(io.BytesIO(other))
        for index in range(int(reader.root["/Pages"]["/Count"])):
            drawing = writer.import_page_as_xobject(reader, page_ix=index)
            page = generic.DictionaryObject(
                {
                    generic.NameObject("/Type"): generic.NameObject("/Page"),
                    generic.NameObject("/MediaBox"): _media_box(reader, index),
                    generic.NameObject("/Resources"): generic.DictionaryObject(
                        {
                            generic.NameObject("/XObject"): generic.DictionaryObject(
                                {generic.NameObject("/Appended"): drawing}
                            )
                        }
                    ),
                    generic.NameObject("/Contents"): writer.add_object(
                        generic.StreamObject(stream_data=b"q /Appended Do Q")
                    ),
                }
            )
            writer.insert_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
