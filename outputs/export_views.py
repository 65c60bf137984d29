"""Downloads of a meeting's documents for its organizers: the minutes as PDF or DOCX and the
activity report as PDF (built by outputs/exports.py)."""

from django.http import Http404, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from events.models import Meeting
from events.permissions import meeting_organizer_required

from . import exports
from .models import Minutes

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


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
    content = exports.minutes_pdf(minutes=_minutes_of(meeting))
    return _download(content, PDF, _name(meeting, "notulen", "pdf"))


@require_GET
@meeting_organizer_required
def minutes_docx(request, meeting):
    content = exports.minutes_docx(minutes=_minutes_of(meeting))
    return _download(content, DOCX, _name(meeting, "notulen", "docx"))


@require_GET
@meeting_organizer_required
def report_pdf(request, meeting):
    content = exports.activity_report_pdf(meeting=meeting)
    return _download(content, PDF, _name(meeting, "laporan-kegiatan", "pdf"))
