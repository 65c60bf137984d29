"""The tracker: every follow-up action across the meetings a user organizes, with filters and
CSV/XLSX exports."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from core.exports import ExportFormat, table_export_response

from . import selectors
from .filters import ActionFilter
from .tables import ActionTable

PER_PAGE = 50


@login_required
@require_GET
def tracker(request):
    """Organizers see the actions of the meetings they organize (staff: all)."""
    if not selectors.is_tracker_user(request.user):
        raise PermissionDenied
    actions = selectors.actions_for_tracker(user=request.user)
    action_filter = ActionFilter(
        request.GET,
        queryset=actions,
        agencies=selectors.tracker_agencies(user=request.user),
        meetings=selectors.tracker_meetings(user=request.user),
    )
    table = ActionTable(action_filter.qs)
    export = request.GET.get("export")
    if export:
        file_format = ExportFormat.from_url(export)
        RequestConfig(request, paginate=False).configure(table)
        table.columns.show("completed_at")
        title = _("Follow-up actions")
        return table_export_response(
            table=table, file_format=file_format, filename="tindak-lanjut", title=title
        )
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return render(
        request,
        "outputs/tracker.html",
        {"filter": action_filter, "table": table, "query": query.urlencode()},
    )
