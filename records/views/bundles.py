"""The SPJ bundle from the meeting's records page: asked for, its progress, its download."""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from personal_data.models import Access
from personal_data.selectors import in_meeting
from personal_data.services import record_access

from .. import services
from ..models import RecordBundle
from ..permissions import records_reader_required

SHOWN = 5


def bundles_context(meeting) -> dict:
    bundles = list(meeting.record_bundles.select_related("requested_by")[:SHOWN])
    pending = any(bundle.pending for bundle in bundles)
    return {
        "bundles": bundles,
        "bundles_pending": pending,
        "bundle_days": settings.RECORDS_BUNDLE_DAYS,
    }


@require_POST
@records_reader_required
def bundle_request(request, meeting):
    services.request_bundle(meeting=meeting, user=request.user)
    messages.info(request, _("The SPJ bundle is being built. It appears below when it is ready."))
    return redirect("records:meeting_records", pk=meeting.pk)


@require_GET
@records_reader_required
def bundle_list(request, meeting):
    return render(request, "records/bundles.html", {"meeting": meeting, **bundles_context(meeting)})


@require_GET
@records_reader_required
def bundle_download(request, meeting, bundle_pk: int):
    bundle = get_object_or_404(RecordBundle, pk=bundle_pk, meeting=meeting)
    if not bundle.downloadable:
        raise Http404
    try:
        handle = bundle.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    services.record_download(bundle=bundle, user=request.user)
    record_access(
        request=request, what=Access.SPJ_BUNDLE, people=in_meeting(meeting=meeting), meeting=meeting
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"spj-{meeting.pk}-{bundle.built_at:%Y%m%d-%H%M}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response
