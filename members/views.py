from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django_tables2 import RequestConfig

from core.export_views import export_table
from core.exports import ExportTable, gated, sort_table
from personal_data.models import Access
from personal_data.services import record_access

from . import selectors
from .filters import MemberFilter
from .permissions import is_organizer, organizer_required
from .tables import PER_PAGE, MemberTable


@organizer_required
def directory(request):
    member_filter, table = _filtered_table(request.GET, request.user)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    record_access(request=request, what=Access.DIRECTORY, people=table.page.object_list.data)
    return render(
        request,
        "members/directory.html",
        {
            "filter": member_filter,
            "table": table,
            "export_query": _without(request.GET, "page").urlencode(),
        },
    )


@login_required
def export_directory(request, file_format):
    """The directory's filtered rows, every page, in the order the organizer sorted them (for
    whom directory_export's gate lets in)."""
    return export_table(request, builder="members.views.directory_export", file_format=file_format)


@gated(is_organizer)
def directory_export(*, user, meeting_id, query) -> ExportTable:  # noqa: ARG001 (core/exports passes all three)
    """The directory as its page shows it for `query`, unpaginated (core/exports.py)."""
    _, table = _filtered_table(query, user)
    sort_table(table, query)
    title = gettext("Members")
    return ExportTable(
        table=table,
        title=title,
        filename=f"{slugify(title)}-{timezone.localdate():%Y-%m-%d}",
        access=Access.DIRECTORY_EXPORT,
    )


def _filtered_table(query, viewer):
    member_filter = MemberFilter(
        query, queryset=selectors.members_for_directory(viewer=viewer), viewer=viewer
    )
    return member_filter, MemberTable(member_filter.qs)


def _without(query, *names):
    query = query.copy()
    for name in names:
        query.pop(name, None)
    return query
