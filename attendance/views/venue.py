"""The venue screen: full screen on a projector or tablet, the self check-in code of the
session, which htmx reloads every few seconds."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.http import private
from events.permissions import meeting_organizer_required

from .. import services
from ..models import CheckIn
from ..services import session_hours, venue_codes


@meeting_organizer_required
@require_GET
def venue(request, meeting):
    """Full screen, for a projector or tablet: the session's self check-in code."""
    session = session_hours.chosen_session(meeting=meeting, wanted=request.GET.get("session"))
    context = {"sessions": meeting.sessions.all(), **_venue_code(request, meeting, session)}
    return private(render(request, "attendance/venue.html", context))


@meeting_organizer_required
@require_GET
def venue_code(request, meeting):
    """The part of the venue screen that htmx reloads every few seconds."""
    session = session_hours.chosen_session(meeting=meeting, wanted=request.GET.get("session"))
    context = _venue_code(request, meeting, session)
    return private(render(request, "attendance/venue_code.html", context))


def _venue_code(request, meeting, session) -> dict:
    context = {"meeting": meeting, "session": session}
    if session is not None and session_hours.is_open(session):
        code = services.venue_code(session=session)
        url = request.build_absolute_uri(reverse("attendance:self_checkin", args=[code]))
        context.update(
            url=url,
            svg=services.qr_svg(url),
            seconds_left=venue_codes.seconds_left(),
            present=CheckIn.objects.filter(session=session).count(),
        )
    return context
