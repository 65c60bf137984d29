"""The tracker: every follow-up action across the meetings a user organizes, with filters and
CSV/XLSX exports."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from core.export_views import export_table

from .. import selectors
from ..filters import ActionFilter
from ..permissions import organizer_of_any_meeting_required
from ..tables import ActionTable

PER_PAGE = 50


@login_required
@require_GET
@organizer_of_any_meeting_required
def tracker(request):
    """Organizers see the actions of the meetings they organize (staff: all)."""
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
    """The filtered actions, every page, in the order sorted, with their completion time (for
    whom actions_export's gate lets in)."""
    return export_table(request, builder="outputs.tables.actions_export", file_format=file_format)
