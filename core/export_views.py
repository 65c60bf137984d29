"""A table's export, whatever the table (members, invitations, attendance, follow-up actions):
a small table's CSV streams as it is written; a big table's CSV and every XLSX are asked for
with a POST, built by Celery, and followed on their own page (progress, then the download
link). A document of people (a daftar hadir) is made within the request when it is small, and
by Celery the same way when it is big. See core/exports.py and core/services.py."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET

from events.models import Meeting
from personal_data.services import record_access

from . import services
from .downloads import PDF, rendered_or_back
from .exports import Export, ExportDocument, ExportFormat, may_export, streamed_csv_response
from .models import ExportJob

# The largest CSV that streams within the request: a few seconds of a web worker on a busy
# 2-core machine (django-tables2 writes some thousands of rows a second). Bigger files, and
# every XLSX, are built by Celery.
STREAM_ROWS = 5000
# The most people a document made within the request holds: a daftar hadir of 150 takes
# WeasyPrint about a second on a quiet 2-core machine; a bigger one is made by Celery.
DOCUMENT_ROWS = 150


def export_table(request, *, builder: str, file_format: str, meeting=None):
    """The answer of a table's export link: `builder` is the dotted path of its ExportTable
    builder, `meeting` the meeting whose table it is (None for a table of no meeting). A user
    the builder's gate refuses gets 403.

    A CSV of at most STREAM_ROWS rows streams at once (GET or POST); a bigger one, and every
    XLSX, is built by Celery: asked for with a POST (the table's buttons), followed on its own
    page. A GET of a big table's CSV (a bookmarked link) shows that page's button instead."""
    meeting_id = _gate(request, builder, meeting)
    file_format = ExportFormat.from_url(file_format)
    build = import_string(builder)
    query = _query(request.POST.get("query", "")) if request.method == "POST" else request.GET
    # Built here too: a query the page would refuse is refused now, not in Celery.
    export = build(user=request.user, meeting_id=meeting_id, query=query)
    if file_format == ExportFormat.CSV and _rows(export, STREAM_ROWS) <= STREAM_ROWS:
        _record_access(request, export, meeting_id)
        return streamed_csv_response(export)
    return _in_background(request, export, builder, query, file_format, meeting_id)


def export_document(request, *, builder: str, meeting, query: QueryDict, back: str):
    """The answer of a document's link (a PDF of people) of `meeting`: `builder` is the dotted
    path of its ExportDocument builder (a user its gate refuses gets 403), `query` what the
    builder reads, `back` the page to return to if the document cannot be made.

    A document of at most DOCUMENT_ROWS people is made at once and shown in the browser; a
    bigger one is made by Celery: a GET shows the button that asks for it (a POST to the same
    address), followed on the export's page as a big table's file is."""
    meeting_id = _gate(request, builder, meeting)
    export = import_string(builder)(user=request.user, meeting_id=meeting_id, query=query)
    if _rows(export, DOCUMENT_ROWS) <= DOCUMENT_ROWS:
        _record_access(request, export, meeting_id)
        return rendered_or_back(
            request,
            render=export.render,
            respond=lambda pdf: _inline_pdf(pdf, export.filename),
            document=export.title,
            back=back,
        )
    return _in_background(request, export, builder, query, ExportFormat.PDF, meeting_id)


def _gate(request, builder: str, meeting) -> int | None:
    """The meeting's id, once the builder's gate lets the user take its file (else 403)."""
    if not may_export(builder=builder, user=request.user, meeting=meeting):
        raise PermissionDenied
    return None if meeting is None else meeting.pk


def _inline_pdf(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type=PDF)
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response


def _in_background(request, export: Export, builder, query, file_format, meeting_id):
    """A POST queues the export for Celery and goes to its page; a GET (a link, a bookmark)
    shows the button that asks for it."""
    if request.method != "POST":
        return render(
            request,
            "core/export_ask.html",
            {
                "export": export,
                "document": isinstance(export, ExportDocument),
                "query": query.urlencode(),
                "file_format": file_format,
                "back": _back(request),
            },
        )
    job = services.request_export(
        user=request.user,
        builder=builder,
        query=query.urlencode(),
        title=export.title,
        file_format=file_format,
        meeting_id=meeting_id,
        back_url=_back(request),
    )
    return redirect("export_job", pk=job.pk)


def _rows(export: Export, limit: int) -> int:
    """How many rows (or people) the file would have, counted up to `limit` + 1 (one query)."""
    records = export.records
    if not isinstance(records, QuerySet):
        return len(records)
    return records.order_by().values("pk")[: limit + 1].count()


def _record_access(request, export: Export, meeting_id: int | None) -> None:
    """A file of people leaves Rakor: the access log says who took it, and whom it holds."""
    if export.access:
        record_access(
            request=request, what=export.access, people=export.records, meeting_id=meeting_id
        )


def _query(text: str) -> QueryDict:
    return QueryDict(text)


def _back(request) -> str:
    """The page of this site the user came from, for the export's page to lead back to: the
    one the ask page was opened from (its form says), else the Referer; never the export's own
    address, which only asks again."""
    for candidate in (request.POST.get("back", ""), request.headers.get("Referer", "")):
        if (
            candidate
            and urlsplit(candidate).path != request.path
            and url_has_allowed_host_and_scheme(
                candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
        ):
            return candidate
    return ""


def _job(request, pk: int) -> ExportJob:
    job = get_object_or_404(ExportJob.objects.select_related("requested_by"), pk=pk)
    if not services.may_download(job=job, user=request.user):
        raise Http404
    return job


@login_required
@require_GET
def export_job(request, pk: int):
    """The export's page: its progress while Celery builds it, then its download link and when
    the file is deleted, in the meeting's zone for a meeting's file (else the site's)."""
    job = _job(request, pk)
    template = "core/export_progress.html" if request.htmx else "core/export.html"
    zone = None
    if job.meeting_id is not None:
        zone = Meeting.objects.values_list("time_zone", flat=True).filter(pk=job.meeting_id).first()
    return render(
        request, template, {"job": job, "export_days": settings.EXPORT_DAYS, "zone": zone}
    )


@login_required
@require_GET
def export_download(request, pk: int):
    job = _job(request, pk)
    if not job.downloadable:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    services.record_download(job=job, user=request.user)
    if job.access:  # whom the file holds, as it was built
        record_access(
            request=request, what=job.access, people=job.people, meeting_id=job.meeting_id
        )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=job.filename,
        content_type=ExportFormat(job.file_format).content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
