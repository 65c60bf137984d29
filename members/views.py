from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django_tables2 import RequestConfig

from core.exports import ExportFormat, table_export_response
from personal_data.models import Access
from personal_data.services import record_access

from . import selectors
from .filters import MemberFilter
from .permissions import organizer_required
from .tables import PER_PAGE, MemberTable


@organizer_required
def directory(request):
    member_filter, table = _filtered_table(request)
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


@organizer_required
def export_directory(request, file_format):
    """The directory's filtered rows, every page, in the order the organizer sorted them."""
    file_format = ExportFormat.from_url(file_format)
    _, table = _filtered_table(request)
    RequestConfig(request, paginate=False).configure(table)
    title = gettext("Members")
    filename = f"{slugify(title)}-{timezone.localdate():%Y-%m-%d}"
    record_access(request=request, what=Access.DIRECTORY_EXPORT, people=table.data.data)
    return table_export_response(
        table=table, file_format=file_format, filename=filename, title=title
    )


def _filtered_table(request):
    member_filter = MemberFilter(
        request.GET,
        queryset=selectors.members_for_directory(viewer=request.user),
        viewer=request.user,
    )
    return member_filter, MemberTable(member_filter.qs)


def _without(query, *names):
    query = query.copy()
    for name in names:
        query.pop(name, None)
    return query
