"""The laporan kegiatan page of a meeting, for its organizers: edit the narrative drafted from
the meeting, preview it, finalise it as a record; its versions are downloaded from the records
app, as stored."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events.permissions import meeting_organizer_required

from ..forms import ReportForm
from ..services import report as reports


def _versions(meeting):
    from records.models import FrozenDocument

    return FrozenDocument.objects.filter(meeting=meeting, kind=reports.KIND).defer("signature")


@meeting_organizer_required
def report(request, meeting):
    current = reports.report_for(meeting=meeting, by=request.user)
    form = ReportForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            reports.save_report(meeting=meeting, data=form.report_data(), by=request.user)
        except reports.ReportError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The activity report was saved."))
            return redirect("outputs:report", pk=meeting.pk)
    return render(
        request,
        "outputs/report.html",
        {
            "meeting": meeting,
            "report": current,
            "form": form,
            "versions": _versions(meeting).order_by("-version"),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@meeting_organizer_required
def report_finalise(request, meeting):
    try:
        document = reports.finalise_report(
            meeting=meeting, by=request.user, reason=request.POST.get("reason", "")[:500]
        )
    except reports.ReportError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("The activity report is final (version %(version)s).")
            % {"version": document.version},
        )
    return redirect("outputs:report", pk=meeting.pk)
