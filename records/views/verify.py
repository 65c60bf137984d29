"""The public verification page printed (as a QR code and a short URL) on every frozen
document: what the document is, its version and hash, who signed it and whether the signature
is valid, and a check that a file is the same bytes. Anyone may open it, so it shows only what
the document itself prints. Codes are looked up through the one rate-limited secret-link
lookup, so they cannot be guessed page by page."""

import hashlib

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.links import open_secret_link

from .. import selectors

LINK_KIND = "verification"


def verify(request: HttpRequest, code: str) -> HttpResponse:
    document = open_secret_link(request, LINK_KIND, lambda: selectors.document_for_code(code))
    if document is None:
        response = render(request, "records/verify_unknown.html", status=404)
    else:
        versions = list(selectors.versions_of(document))
        context = {"document": document, "code": code, "versions": versions}
        if request.method == "POST" and request.FILES.get("file"):
            context["check"] = _check(request.FILES["file"], versions)
        response = render(request, "records/verify.html", context)
    response["Referrer-Policy"] = "no-referrer"  # the URL is the code
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _check(upload, versions) -> dict:
    """Which version (and which of its files) `upload` is, byte for byte, if any."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    sha256 = digest.hexdigest()
    for version in versions:
        if sha256 == version.pdf_sha256:
            return {"sha256": sha256, "version": version, "format": "PDF"}
        if sha256 == version.docx_sha256:
            return {"sha256": sha256, "version": version, "format": "DOCX"}
    return {"sha256": sha256, "version": None, "name": upload.name}
