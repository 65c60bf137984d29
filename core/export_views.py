"""A table's export, whatever the table (members, invitations, attendance, follow-up actions):
CSV streams as it is written; XLSX is asked for with a POST, built by Celery, and followed on
its own page (progress, then the download link). See core/exports.py and core/services.py."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseNotAllowed, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET

from . import services
from .exports import ExportFormat, streamed_csv_response
from .models import ExportJob


def export_table(request, *, builder: str, file_format: str, meeting_id: int | None = None):
    """The answer of a table's export link. The caller has checked that the user may see the
    table; `builder` is the dotted path of its ExportTable builder."""
    file_format = ExportFormat.from_url(file_format)
    if file_format == ExportFormat.CSV:
        build = import_string(builder)
        return streamed_csv_response(
            build(user=request.user, meeting_id=meeting_id, query=request.GET)
        )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    query = request.POST.get("query", "")
    build = import_string(builder)
    # Built once here too: a query the page would refuse is refused now, not in Celery.
    export = build(user=request.user, meeting_id=meeting_id, query=_query(query))
    job = services.request_export(
        user=request.user,
        builder=builder,
        query=query,
        title=export.title,
        meeting_id=meeting_id,
        back_url=_back(request),
    )
    return redirect("export_job", pk=job.pk)


def _query(text: str) -> QueryDict:
    return QueryDict(text)


def _back(request) -> str:
    referer = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""


def _job(request, pk: int) -> ExportJob:
    job = get_object_or_404(ExportJob.objects.select_related("requested_by"), pk=pk)
    if not services.may_download(job=job, user=request.user):
        raise Http404
    return job


@login_required
@require_GET
def export_job(request, pk: int):
    """The export's page: its progress while Celery builds it, then its download link."""
    job = _job(request, pk)
    template = "core/export_progress.html" if request.htmx else "core/export.html"
    return render(request, template, {"job": job, "export_days": settings.EXPORT_DAYS})


@login_required
@require_GET
def export_download(request, pk: int):
    job = _job(request, pk)
    if job.state != ExportJob.State.READY or not job.expires_at or job.expires_at <= timezone.now():
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    services.record_download(job=job, user=request.user)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=job.filename,
        content_type=ExportFormat.XLSX.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
