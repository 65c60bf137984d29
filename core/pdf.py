"""HTML to PDF, the one way Rakor makes its PDFs (WeasyPrint).

Static files and pictures are found from the project's folder (base_url). While WeasyPrint lays a
document out it builds a large tree of boxes, a few hundred thousand objects for a 200-row daftar
hadir, and Python's cyclic garbage collector walks the young ones every 700 allocations and,
now and then, the whole heap of the process (Django and every module loaded): 15–20 % of the
time of a daftar hadir (bench/records.py). During a render the collector runs every 10,000
allocations instead, which keeps its work to a few percent and the memory it lets wait to a few
MB (disabling it would let some 50 MB wait for a 200-row sheet).

The collector's full passes walk every object of the process, most of them its code: Django,
WeasyPrint, pyHanko (some 220,000 objects once a document was made), 0.3 s a pass, two or three
passes while a meeting's records are frozen. Once the first document of a process is made, its
code is loaded for good: what it holds then is collected once and moved out of the collector's
sight (gc.freeze), as long-lived servers do; refcounting still frees it.

Pictures of the document's own, such as the signatures of a daftar hadir, are given as bytes
and named in the HTML by image_url(name), not written into it as data: URIs: WeasyPrint's HTML
parser, in pure Python, would read their base64 character by character (0.1 s for a daftar
hadir of 180 signatures).
"""

import gc
import threading
from collections.abc import Mapping
from contextlib import contextmanager

from django.conf import settings

RENDER_GC_THRESHOLD = 10_000
IMAGE_SCHEME = "rakor-image:"

_lock = threading.Lock()
_renders = 0
_threshold: tuple[int, ...] = ()
_code_kept = False


@contextmanager
def _fewer_collections():
    """The collector's first threshold raised while any render of this process runs, then
    what it was."""
    global _renders, _threshold
    with _lock:
        if _renders == 0:
            _threshold = gc.get_threshold()
            gc.set_threshold(max(_threshold[0], RENDER_GC_THRESHOLD), *_threshold[1:])
        _renders += 1
    try:
        yield
    finally:
        with _lock:
            _renders -= 1
            if _renders == 0:
                gc.set_threshold(*_threshold)


def _keep_loaded_code() -> None:
    """After this process's first document: collect once, then freeze what remains (see the
    module's docstring)."""
    global _code_kept
    with _lock:
        if _code_kept:
            return
        _code_kept = True
    gc.collect()
    gc.freeze()


def image_url(name: str) -> str:
    """The address by which a document's HTML shows its picture `name` (html_to_pdf's
    `images`)."""
    return IMAGE_SCHEME + name


def html_to_pdf(html: str, images: Mapping[str, bytes] | None = None) -> bytes:
    """The PDF of an HTML document (see the module's docstring), whose image_url(name) are
    the pictures in `images`."""
    from weasyprint import HTML  # heavy: loaded when a PDF is made, not at start-up

    with _fewer_collections():
        pdf = HTML(
            string=html, base_url=str(settings.BASE_DIR), url_fetcher=url_fetcher(images or {})
        ).write_pdf()
    _keep_loaded_code()
    return pdf


def url_fetcher(images: Mapping[str, bytes]):
    """WeasyPrint's fetcher, which also answers image_url(name) from `images`."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class DocumentImages(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(IMAGE_SCHEME):
                return URLFetcherResponse(url, images[url.removeprefix(IMAGE_SCHEME)])
            return super().fetch(url, headers)

    return DocumentImages()
