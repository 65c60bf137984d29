"""The daftar hadir of each session for the organizers: its settings, closing it as a record,
and every closed version as it was stored."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events.models import Session
from events.permissions import meeting_organizer_required

from .. import services
from ..sheet_forms import SheetSettingsForm


@meeting_organizer_required
def sheets(request, meeting):
    form = SheetSettingsForm(request.POST or None, instance=services.sheet_settings(meeting))
    if request.method == "POST" and form.is_valid():
        services.save_sheet_settings(meeting=meeting, data=form.settings_data(), by=request.user)
        messages.success(request, _("The daftar hadir settings were saved."))
        return redirect("attendance:sheets", pk=meeting.pk)
    versions = _versions(meeting)
    return render(
        request,
        "attendance/sheets.html",
        {
            "meeting": meeting,
            "form": form,
            "rows": [
                (status, versions.get(status.session.pk, []))
                for status in services.sheet_statuses(meeting=meeting)
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


def _versions(meeting) -> dict[int | None, list]:
    from records.models import FrozenDocument

    by_session: dict[int | None, list] = {}
    for document in (
        FrozenDocument.objects.filter(meeting=meeting, kind=services.sheets.KIND)
        .defer("signature")
        .order_by("-version")
    ):
        by_session.setdefault(document.subject_id, []).append(document)
    return by_session


@require_POST
@meeting_organizer_required
def sheet_close(request, meeting, session_pk: int):
    session = get_object_or_404(Session, pk=session_pk, meeting=meeting)
    try:
        document = services.close_sheet(
            session=session, by=request.user, reason=request.POST.get("reason", "")[:500]
        )
    except services.SheetError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("The daftar hadir of %(session)s is closed as version %(version)s.")
            % {"session": session.title, "version": document.version},
        )
    return redirect("attendance:sheets", pk=meeting.pk)
