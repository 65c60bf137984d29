"""The tracker: every follow-up action across the meetings a user organizes, with filters and
CSV/XLSX exports."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from core.export_views import export_table
from core.exports import ExportTable, sort_table

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
    action_filter = ActionFilter(request.GET, queryset=actions)
    table = ActionTable(action_filter.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "outputs/tracker.html",
        {"filter": action_filter, "table": table, "query": query.urlencode()},
    )


@login_required
def tracker_export(request, file_format):
    """The filtered actions, every page, in the order sorted, with their completion time."""
    if not selectors.is_tracker_user(request.user):
        raise PermissionDenied
    return export_table(
        request, builder="outputs.tracker_views.actions_export", file_format=file_format
    )


def actions_export(*, user, meeting_id, query) -> ExportTable:  # noqa: ARG001 (core/exports passes all three)
    """The tracker as its page shows it to `user` for `query`, unpaginated."""
    action_filter = ActionFilter(query, queryset=selectors.actions_for_tracker(user=user))
    table = ActionTable(action_filter.qs)
    sort_table(table, query)
    table.columns.show("completed_at")
    return ExportTable(table=table, title=_("Follow-up actions"), filename="tindak-lanjut")
