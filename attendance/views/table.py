"""A session's attendance: the table with its filters, its spreadsheet exports, and the daftar
hadir as a PDF (filled in, or blank for signing on paper; a big one made by Celery, see
attendance/sheet_exports.py). A sheet that cannot be made is a message on the page that linked
it (core/downloads.py)."""

from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django_tables2 import RequestConfig

from core.export_views import export_document, export_table
from events.permissions import meeting_organizer_required
from personal_data.models import Access
from personal_data.services import record_access

from ..tables import session_table


@meeting_organizer_required
def attendance_table_export(request, meeting, file_format):
    """The filtered attendance of a session, every page, in the order the organizer sorted."""
    return export_table(
        request,
        builder="attendance.tables.attendance_export",
        file_format=file_format,
        meeting=meeting,
    )


@meeting_organizer_required
@require_GET
def attendance_table(request, meeting):
    session, attendance_filter, table = session_table(request.GET, meeting)
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


@meeting_organizer_required
@require_http_methods(["GET", "POST"])
def sheet_pdf(request, meeting, session_pk: int):
    table = f"{reverse('attendance:table', args=[meeting.pk])}?session={session_pk}"
    return _sheet(request, meeting, session_pk, blank=False, back=table)


@meeting_organizer_required
@require_http_methods(["GET", "POST"])
def blank_sheet_pdf(request, meeting, session_pk: int):
    dashboard = reverse("attendance:dashboard", args=[meeting.pk])
    return _sheet(request, meeting, session_pk, blank=True, back=dashboard)


def _sheet(request, meeting, session_pk: int, *, blank: bool, back: str):
    """The sheet at once when it is small; a big one is made by Celery (a GET shows the button
    that asks for it with a POST)."""
    query = QueryDict(mutable=True)
    query.update({"session": str(session_pk), "blank": "1" if blank else "0"})
    return export_document(
        request,
        builder="attendance.sheet_exports.sheet_export",
        meeting=meeting,
        query=query,
        back=back,
    )
