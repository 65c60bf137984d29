"""Downloads of a meeting's documents for its organizers: the minutes as PDF or DOCX and the
activity report as PDF (built by outputs/exports.py). A file that cannot be made is a message
on the meeting's page instead (core/downloads.py)."""

from collections.abc import Callable

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.downloads import rendered_or_back
from events.models import Meeting
from events.permissions import meeting_organizer_required

from .. import exports
from ..models import Minutes
from ..services.notulen import frozen_notulen
from ..services.report import frozen_report, report_for

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(
    request,
    meeting: Meeting,
    *,
    render: Callable[[], bytes],
    document: str,
    content_type: str,
    filename: str,
) -> HttpResponse:
    def respond(content: bytes) -> HttpResponse:
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    back = reverse("events:meeting_detail", args=[meeting.pk])
    return rendered_or_back(request, render=render, respond=respond, document=document, back=back)


def _minutes_of(meeting: Meeting) -> Minutes:
    try:
        return meeting.minutes
    except Minutes.DoesNotExist:
        raise Http404("This meeting has no minutes yet.") from None


def _name(meeting: Meeting, what: str, extension: str) -> str:
    return f"{what}-{slugify(meeting.title)[:60] or meeting.pk}.{extension}"


@require_GET
@meeting_organizer_required
def minutes_pdf(request, meeting):
    return _minutes_file(request, meeting, pdf=True)


@require_GET
@meeting_organizer_required
def minutes_docx(request, meeting):
    return _minutes_file(request, meeting, pdf=False)


def _minutes_file(request, meeting, *, pdf: bool):
    """Approved minutes are a record: the bytes frozen at approval, every time; before that,
    the draft as it stands."""
    minutes = _minutes_of(meeting)
    frozen = frozen_notulen(minutes)

    def render() -> bytes:
        if frozen:
            return frozen.pdf_bytes() if pdf else frozen.docx_bytes()
        make = exports.minutes_pdf if pdf else exports.minutes_docx
        return make(minutes=minutes, viewer=request.user)

    return _download(
        request,
        meeting,
        render=render,
        document=_("Minutes (PDF)") if pdf else _("Minutes (Word)"),
        content_type=PDF if pdf else DOCX,
        filename=_name(meeting, "notulen", "pdf" if pdf else "docx"),
    )


@require_GET
@meeting_organizer_required
def report_pdf(request, meeting):
    """The finalised laporan as frozen; before that, a preview of the draft."""
    frozen = frozen_report(meeting)
    report = report_for(meeting=meeting, by=request.user)
    return _download(
        request,
        meeting,
        render=(lambda: frozen.pdf_bytes())
        if frozen
        else lambda: exports.activity_report_pdf(report=report),
        document=_("Activity report (PDF)"),
        content_type=PDF,
        filename=_name(meeting, "laporan-kegiatan", "pdf"),
    )
