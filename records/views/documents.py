"""The meeting's official records for its organizers: every frozen document with its versions,
downloaded as the bytes stored when it was frozen (never made again)."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from personal_data.models import Access
from personal_data.selectors import in_record
from personal_data.services import record_access

from .. import selectors
from ..models import FrozenDocument
from ..permissions import records_reader_required
from .bundles import bundles_context

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@require_GET
@records_reader_required
def meeting_records(request, meeting):
    documents = list(selectors.meeting_documents(meeting=meeting))
    groups = [
        (label, [document for document in documents if document.kind == kind])
        for kind, label in FrozenDocument.Kind.choices
    ]
    return render(
        request,
        "records/meeting_records.html",
        {
            "meeting": meeting,
            "groups": [(label, rows) for label, rows in groups if rows],
            **bundles_context(meeting),
        },
    )


@require_GET
@records_reader_required
def document_download(request, meeting, document_pk: int, file_format: str):
    document = get_object_or_404(FrozenDocument, pk=document_pk, meeting=meeting)
    content = document.pdf_bytes() if file_format == "pdf" else document.docx_bytes()
    if file_format not in CONTENT_TYPES or content is None:
        raise Http404
    sha256 = document.pdf_sha256 if file_format == "pdf" else document.docx_sha256
    record_access(
        request=request, what=Access.RECORD, people=in_record(document=document), meeting=meeting
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    name = f"{slugify(document.title)[:80] or document.kind}-v{document.version}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["ETag"] = f'"{sha256}"'
    response["Cache-Control"] = "private, no-store"
    return response
