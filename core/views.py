import sys

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views import defaults

from members.permissions import is_organizer

from . import home as home_selectors
from .db import DATABASE_UNREACHABLE

# Seconds a client waits before trying again while the database is unreachable: a restart of
# PostgreSQL takes a few.
RETRY_AFTER_SECONDS = 10


def home(request):
    """Signed in: an organizer's meetings and what needs doing, and the member's own meetings
    with a way to their answer page; signed out, what Rakor is and the way to sign in."""
    context: dict[str, object] = {}
    user = request.user
    if user.is_authenticated:
        now = timezone.now()
        if is_organizer(user) or user.organized_meetings.exists():
            context["organizer_home"] = home_selectors.organizer_home(
                user=user, now=now, today=timezone.localdate()
            )
        context["my_invitations"] = home_selectors.member_meetings(user=user, now=now)
    return render(request, "core/home.html", context)


def server_error(request):
    """Every request that raised (handler500). One that met an unreachable database (PostgreSQL
    restarting, a failover) answers 503 with Retry-After: nothing is wrong with the request, and
    clients (the scanner's queue, browsers, monitors) may simply try again. The page is rendered
    without the request, which would need the database. Anything else is Django's 500."""
    if isinstance(sys.exc_info()[1], DATABASE_UNREACHABLE):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)
