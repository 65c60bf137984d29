"""The live attendance dashboard of a meeting (counts per session and agency, the latest
check-ins, walk-ins waiting for review) and the organizers' decision on a walk-in."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.ids import parse_id
from events.invite_forms import AgencyChoiceForm, agency_label
from events.permissions import meeting_organizer_required
from members.agencies import AgencyMatcher, NewAgency
from members.models import Agency

from .. import selectors, services
from ..models import WalkIn
from ..services import session_hours


def _dashboard_context(request, meeting):
    session = session_hours.chosen_session(meeting=meeting, wanted=request.GET.get("session"))
    return {
        "meeting": meeting,
        "session": session,
        "counts": selectors.session_counts(meeting=meeting),
        "agencies": selectors.agency_counts(session=session) if session else [],
        "latest": selectors.latest_checkins(meeting=meeting),
        "walk_ins": selectors.walk_ins_to_review(meeting=meeting),
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
@require_http_methods(["GET", "HEAD", "POST"])
def walk_in_decide(request, meeting, walk_in_pk: int):
    """A walk-in's review: what they typed and the agency it names in the directory (a GET
    changes nothing). Accepting a new member needs their agency confirmed: the match, another
    agency of the directory, or a new agency with the name, acronym and kind given here."""
    walk_in = get_object_or_404(WalkIn.objects.defer("signature"), pk=walk_in_pk, meeting=meeting)
    decision = request.POST.get("decision") if request.method == "POST" else None
    if decision not in (None, "accept", "reject"):
        return HttpResponse(status=400)
    form = _agency_form(request, meeting, walk_in)
    try:
        if decision == "reject":
            services.reject_walk_in(walk_in=walk_in, decided_by=request.user)
            messages.info(request, _("Walk-in of %(name)s rejected.") % {"name": walk_in.full_name})
        elif decision == "accept":
            agency_id, new_agency = form.chosen_agency() if form.is_valid() else (None, None)
            services.accept_walk_in(
                walk_in=walk_in,
                decided_by=request.user,
                agency=Agency.objects.filter(pk=agency_id).first() if agency_id else None,
                new_agency=new_agency,
            )
            messages.success(request, _("%(name)s is checked in.") % {"name": walk_in.full_name})
    except services.WalkInDecided as error:
        messages.warning(request, error.message)
    except services.WalkInAgencyNeeded as error:
        form.add_error(None, error.message)
    if decision and not form.non_field_errors():
        return redirect("attendance:dashboard", pk=meeting.pk)
    [walk_in] = selectors.with_directory_matches([walk_in])
    return render(
        request,
        "attendance/walk_in.html",
        {"meeting": meeting, "walk_in": walk_in, "form": form},
        status=400 if decision else 200,
    )


def _agency_form(request, meeting, walk_in: WalkIn) -> AgencyChoiceForm:
    """The agency to confirm: the one the typed text names in the directory, else the typed
    text offered as a new agency; what the organizer posted when they decide."""
    search_url = reverse("events:meeting_invite_search", args=[meeting.pk])
    matcher = AgencyMatcher([walk_in.agency_name])
    found = matcher.find(walk_in.agency_name)
    wanted = request.POST.get("agency", "") if request.method == "POST" else found and found.pk
    wanted_pk = parse_id(wanted)  # "²" or 10**30: none
    labels: dict[str, tuple[str, dict]] = {
        str(agency.pk): (agency_label(agency), {})
        for agency in (Agency.objects.filter(pk=wanted_pk) if wanted_pk else Agency.objects.none())
    }
    if request.method == "POST":
        return AgencyChoiceForm(request.POST, search_url=search_url, labels=labels)
    initial: dict[str, object] = {"agency": found.pk} if found else {}
    if not matcher.lookup(walk_in.agency_name):
        suggested = NewAgency.suggested_for(walk_in.agency_name)
        initial.update(
            new_agency_name=suggested.name,
            new_agency_acronym=suggested.acronym,
            new_agency_kind=suggested.kind,
        )
    return AgencyChoiceForm(initial=initial, search_url=search_url, labels=labels)
