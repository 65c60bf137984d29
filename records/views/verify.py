"""The public verification page printed (as a QR code and a short URL) on every frozen
document: what the document is, its version and hash, the signers' names it prints (for a
signature by hand: FrozenDocument.signers) apart from its electronic signature (the certificate
that signed the PDF, whether it is valid, its timestamp: FrozenDocument.signature), and a check
that a file is the same bytes. Anyone may open it, so it shows only what the document itself
prints. Codes are looked up through the one rate-limited secret-link
lookup, so they cannot be guessed page by page."""

import hashlib

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_datetime

from core.links import open_secret_link

from .. import selectors

LINK_KIND = "verification"


def verify(request: HttpRequest, code: str) -> HttpResponse:
    document = open_secret_link(
        request, kind=LINK_KIND, secret=code, lookup=selectors.document_for_code
    )
    if document is None:
        response = render(request, "records/verify_unknown.html", status=404)
    else:
        versions = list(selectors.versions_of(document))
        context = {
            "document": document,
            "code": code,
            "versions": versions,
            "signature": signature_for_display(document.signature),
        }
        if request.method == "POST":
            context["check"] = _posted_check(request, versions)
        response = render(request, "records/verify.html", context)
    # The URL is the code: SECURE_REFERRER_POLICY (same-origin) keeps it from other sites; the
    # stricter no-referrer would make browsers send "Origin: null" and fail the form's CSRF check.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# What a multipart body adds around one file (boundaries, headers, the CSRF token), at most.
MULTIPART_OVERHEAD = 64 * 1024


def _posted_check(request: HttpRequest, versions) -> dict | None:
    """The check of the posted file; a body larger than every version of the document cannot
    be one of them, and is answered without the view reading or hashing it. (The CSRF check
    before the view parses a browser's form whole, up to settings.REQUEST_MAX_BYTES: beyond
    that core.http.RequestTooLargeMiddleware refuses it unread.)"""
    largest = max(max(v.pdf_size, v.docx_size or 0) for v in versions)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > largest + MULTIPART_OVERHEAD:
        return {"sha256": "", "version": None, "too_large": True}
    upload = request.FILES.get("file")
    return _check(upload, versions) if upload else None


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


def signature_for_display(details: dict) -> dict:
    """The stored description of a signature with its moments as datetimes, for templates."""
    shown = dict(details)
    for key in ("timestamp", "signing_time", "certificate_valid_until"):
        shown[key] = parse_datetime(shown[key]) if shown.get(key) else None
    validation = dict(shown.get("validation") or {})
    if validation.get("checked_at"):
        validation["checked_at"] = parse_datetime(validation["checked_at"])
    shown["validation"] = validation
    return shown
