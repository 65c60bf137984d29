"""The scan audit of a meeting, for its organizers and staff: every attempt at its doors
(scans, undos, self and online check-ins), newest first, filtered by session and result, with
its spreadsheet exports."""

from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods
from django_tables2 import RequestConfig

from core.export_views import export_table
from events.permissions import meeting_organizer_required
from personal_data.models import Access
from personal_data.services import record_access

from ..tables import scan_audit_table


@meeting_organizer_required
@require_GET
def scan_audit(request, meeting):
    audit_filter, table = scan_audit_table(request.GET, meeting)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    record_access(
        request=request, what=Access.ATTENDANCE, people=table.page.object_list.data, meeting=meeting
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "attendance/scan_audit.html",
        {
            "meeting": meeting,
            "filter": audit_filter,
            "table": table,
            "query": query.urlencode(),
        },
    )


@meeting_organizer_required
@require_http_methods(["GET", "POST"])
def scan_audit_export(request, meeting, file_format):
    """The filtered scan audit, every page."""
    return export_table(
        request,
        builder="attendance.tables.scan_audit_export",
        file_format=file_format,
        meeting=meeting,
    )
