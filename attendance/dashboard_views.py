"""The live attendance dashboard of a meeting (counts per session and agency, the latest
check-ins, walk-ins waiting for review) and the organizers' decision on a walk-in."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from events.permissions import meeting_organizer_required

from . import selectors, services
from .models import WalkIn
from .services import session_hours


def _dashboard_context(request, meeting):
    session = session_hours.chosen_session(meeting=meeting, wanted=request.GET.get("session"))
    return {
        "meeting": meeting,
        "session": session,
        "counts": selectors.session_counts(meeting=meeting),
        "agencies": selectors.agency_counts(session=session) if session else [],
        "latest": selectors.latest_checkins(meeting=meeting),
        "walk_ins": selectors.pending_walk_ins(meeting=meeting),
        "zone": meeting.time_zone,
        "updated_at": timezone.now(),
    }


@meeting_organizer_required
@require_GET
def dashboard(request, meeting):
    return render(request, "attendance/dashboard.html", _dashboard_context(request, meeting))


@meeting_organizer_required
@require_GET
def dashboard_live(request, meeting):
    return render(request, "attendance/dashboard_live.html", _dashboard_context(request, meeting))


@meeting_organizer_required
@require_POST
def walk_in_decide(request, meeting, walk_in_pk: int):
    walk_in = get_object_or_404(WalkIn.objects.defer("signature"), pk=walk_in_pk, meeting=meeting)
    try:
        if request.POST.get("decision") == "accept":
            services.accept_walk_in(walk_in=walk_in, decided_by=request.user)
            messages.success(request, _("%(name)s is checked in.") % {"name": walk_in.full_name})
        elif request.POST.get("decision") == "reject":
            services.reject_walk_in(walk_in=walk_in, decided_by=request.user)
            messages.info(request, _("Walk-in of %(name)s rejected.") % {"name": walk_in.full_name})
        else:
            return HttpResponse(status=400)
    except services.WalkInDecided as error:
        messages.warning(request, error.message)
    return redirect("attendance:dashboard", pk=meeting.pk)
