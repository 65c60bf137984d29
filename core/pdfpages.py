"""Appending the pages of other PDFs to a PDF, as they are (pyHanko's writer): how a frozen
notulen carries the closed daftar hadir as its lampiran, page for page, with their own stamps.

Each appended page draws the other document's page as a form XObject on a page of the same
size, so its text, pictures and fonts are those of the original. What the pages of a document
share is copied once: WeasyPrint gives all the pages of a document one resources dictionary
(every font and picture of the document), which pyHanko's import_page_as_xobject would copy again
for each page (a 12-page daftar hadir became 12 copies of its fonts and signatures). Signatures of
the appended documents do not carry over (they sign other bytes); the originals stay in the
records."""

import io

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import BasePdfFileWriter, copy_into_new_writer

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


def _page_as_xobject(
    writer: BasePdfFileWriter, reader: PdfFileReader, index: int, imported: dict
) -> generic.IndirectObject:
    """Page `index` of `reader` as a form XObject in `writer` (as pyHanko's
    import_page_as_xobject makes it), its resources imported once per document: `imported`
    maps the resources already copied, by the object that holds them, to their copy."""
    page_ref, resources = reader.find_page_for_modification(index)
    # A dictionary of its own (WeasyPrint's), else the page or page tree node holding it.
    if isinstance(resources, generic.IndirectObject):
        holder = resources.reference
    else:
        holder = resources.get_container_ref()
    if holder not in imported:
        imported[holder] = writer.import_object(resources)
    form = {
        generic.NameObject("/Type"): generic.NameObject("/XObject"),
        generic.NameObject("/Subtype"): generic.NameObject("/Form"),
        generic.NameObject("/BBox"): _media_box(reader, index),
        generic.NameObject("/Resources"): imported[holder],
    }
    contents = page_ref.get_object()["/Contents"]
    if isinstance(contents, generic.ArrayObject):
        drawing = generic.StreamObject(
            form, stream_data=b"".join(part.get_object().data for part in contents)
        )
        drawing.compress()
    elif "/Filter" in contents and "/DecodeParms" not in contents:
        form[generic.NameObject("/Filter")] = writer.import_object(contents.raw_get("/Filter"))
        drawing = generic.StreamObject(form, encoded_data=contents.encoded_data)
    else:
        drawing = generic.StreamObject(form, stream_data=contents.data)
        drawing.compress()
    return writer.add_object(drawing)


def append_pages(base: bytes, others: list[bytes]) -> bytes:
    """`base` followed by every page of each of `others`, in order."""
    if not others:
        return base
    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(base)))
    for other in others:
        reader = PdfFileReader(io.BytesIO(other))
        imported: dict = {}
        for index in range(int(reader.root["/Pages"]["/Count"])):
            drawing = _page_as_xobject(writer, reader, index, imported)
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
