from django.shortcuts import render
from django.utils import timezone

from members.permissions import is_organizer

from . import home as home_selectors


def home(request):
    """Signed in: an organizer's meetings and what needs doing, and the member's own meetings
    with a way to their answer page; signed out, what Rakor is and the way to sign in."""
    context = {}
    user = request.user
    if user.is_authenticated:
        now = timezone.now()
        if is_organizer(user) or user.organized_meetings.exists():
            context["organizer_home"] = home_selectors.organizer_home(
                user=user, now=now, today=timezone.localdate()
            )
        context["my_invitations"] = home_selectors.member_meetings(user=user, now=now)
    return render(request, "core/home.html", context)
