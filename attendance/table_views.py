"""A session's attendance: the table with its filters, its spreadsheet exports, and the daftar
hadir as a PDF (filled in, or blank for signing on paper). A sheet that cannot be made is a
message on the page that linked it (core/downloads.py)."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from core.downloads import rendered_or_back
from core.export_views import export_table
from core.exports import ExportTable, sort_table
from events.models import Meeting, Session
from events.permissions import meeting_organizer_required
from personal_data.models import Access
from personal_data.selectors import on_sheet
from personal_data.services import record_access

from . import selectors
from .filters import AttendanceFilter
from .pdf import daftar_hadir_pdf
from .services import session_hours
from .tables import AttendanceTable


@meeting_organizer_required
def attendance_table_export(request, meeting, file_format):
    """The filtered attendance of a session, every page, in the order the organizer sorted."""
    return export_table(
        request,
        builder="attendance.table_views.attendance_export",
        file_format=file_format,
        meeting_id=meeting.pk,
    )


def attendance_export(*, user, meeting_id, query) -> ExportTable:  # noqa: ARG001 (core/exports passes all three)
    """The session's attendance table as its page shows it for `query`, unpaginated."""
    meeting = Meeting.objects.get(pk=meeting_id)
    session, _filter, table = _table(query, meeting)
    sort_table(table, query)
    title = _("Attendance")
    filename = f"{slugify(meeting.title)[:50]}-{slugify(session.title)}-{slugify(title)}"
    return ExportTable(table=table, title=title, filename=filename, access=Access.ATTENDANCE_EXPORT)


def _table(query, meeting):
    session = session_hours.chosen_session(meeting=meeting, wanted=query.get("session"))
    if session is None:
        raise Http404
    rows = selectors.attendance_for_session(session=session)
    data = query.copy()
    data["session"] = session.pk
    attendance_filter = AttendanceFilter(data, queryset=rows, meeting=meeting)
    # How people attended and their minutes online: columns of online and hybrid meetings.
    online_columns = meeting.mode != meeting.Mode.IN_PERSON
    table = AttendanceTable(
        attendance_filter.qs,
        session=session,
        exclude=() if online_columns else ("attended", "online_minutes"),
    )
    return session, attendance_filter, table


@meeting_organizer_required
@require_GET
def attendance_table(request, meeting):
    session, attendance_filter, table = _table(request.GET, meeting)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    record_access(
        request=request, what=Access.ATTENDANCE, people=table.page.object_list.data, meeting=meeting
    )
    query = request.GET.copy()
    query.pop("page", None)
    query["session"] = session.pk
    return render(
        request,
        "attendance/table.html",
        {
            "meeting": meeting,
            "session": session,
            "filter": attendance_filter,
            "table": table,
            "query": query.urlencode(),
        },
    )


# --- The daftar hadir -------------------------------------------------------------------------


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response


def _sheet(request, meeting, session_pk: int, *, blank: bool, document: str, back: str):
    session = get_object_or_404(Session, pk=session_pk, meeting=meeting)
    session.meeting = meeting
    what = "daftar-hadir-kosong" if blank else "daftar-hadir"
    filename = f"{what}-{slugify(meeting.title)[:50]}-{slugify(session.title)}"
    record_access(
        request=request, what=Access.DAFTAR_HADIR, people=on_sheet(session=session), meeting=meeting
    )
    return rendered_or_back(
        request,
        render=lambda: daftar_hadir_pdf(session=session, blank=blank),
        respond=lambda pdf: _pdf_response(pdf, filename),
        document=document,
        back=back,
    )


@meeting_organizer_required
@require_GET
def sheet_pdf(request, meeting, session_pk: int):
    table = f"{reverse('attendance:table', args=[meeting.pk])}?session={session_pk}"
    return _sheet(
        request, meeting, session_pk, blank=False, document=_("Attendance sheet"), back=table
    )


@meeting_organizer_required
@require_GET
def blank_sheet_pdf(request, meeting, session_pk: int):
    dashboard = reverse("attendance:dashboard", args=[meeting.pk])
    return _sheet(
        request, meeting, session_pk, blank=True, document=_("Blank sheet"), back=dashboard
    )
