"""A meeting's documents: the upload page of organizers and speakers, and the only way a stored
file leaves the server, the download views, which check who asks (outputs/permissions.py)."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.http import private
from events.links import invitation_for_link
from events.permissions import is_meeting_organizer

from .. import services
from ..forms import DocumentForm
from ..models import Document
from ..permissions import document_uploader_required, may_view_document

INLINE_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@document_uploader_required
def meeting_documents(request, meeting):
    form = DocumentForm(request.POST or None, request.FILES or None, meeting=meeting)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                document = services.upload_document(
                    meeting=meeting, uploaded_by=request.user, **form.cleaned_data
                )
            except services.DocumentRefused as refused:
                form.add_error("file", refused.message)
            else:
                messages.success(
                    request, _("“%(title)s” has been uploaded.") % {"title": document.title}
                )
                return redirect("outputs:meeting_documents", pk=meeting.pk)
        status = 400
    documents = services.documents_for(meeting=meeting, user=request.user)
    return render(
        request,
        "outputs/documents.html",
        {
            "meeting": meeting,
            "form": form,
            "documents": documents,
            "is_organizer": is_meeting_organizer(request.user, meeting),
            "max_mb": services.max_document_bytes() // (1024 * 1024),
        },
        status=status,
    )


@login_required
@require_POST
def document_delete(request, pk):
    document = get_object_or_404(Document.objects.select_related("meeting"), pk=pk)
    try:
        services.delete_document(document=document, user=request.user)
    except services.DocumentRefused:
        raise PermissionDenied from None
    messages.success(request, _("“%(title)s” has been deleted.") % {"title": document.title})
    return redirect("outputs:meeting_documents", pk=document.meeting_id)


def _file_response(document: Document) -> FileResponse:
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    extension = PurePath(document.original_name).suffix.lower()
    filename = (PurePath(document.title).name or "document")[:150] + extension
    response = FileResponse(
        handle,
        as_attachment=document.content_type not in INLINE_TYPES,
        filename=filename,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Opened in the browser, a file still runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return private(response)


@require_GET
def document_download(request, pk):
    """For organizers, uploaders, invited members signed in, and anyone for public files."""
    document = get_object_or_404(Document.objects.select_related("meeting"), pk=pk)
    if may_view_document(document=document, user=request.user):
        return _file_response(document)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


@require_GET
def answer_document_download(request, secret, pk):
    """The same file through a participant's answer link (no password needed)."""
    invitation = invitation_for_link(request, secret)
    if invitation is None:
        raise Http404
    document = get_object_or_404(Document.objects.select_related("meeting"), pk=pk)
    if not may_view_document(document=document, user=request.user, invitation=invitation):
        raise Http404
    return _file_response(document)
