"""The audit trail of a meeting's records, for its organizers."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import selectors
from ..permissions import records_reader_required

PER_PAGE = 50


@require_GET
@records_reader_required
def meeting_audit(request, meeting):
    page = Paginator(selectors.audit_trail(meeting=meeting), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "records/audit.html", {"meeting": meeting, "page": page})
