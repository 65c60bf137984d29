"""Who may see a meeting's organizer pages: its organizers and staff, nobody else; and the one
decorator that puts a rule about a meeting in front of a view (every app's permissions use it)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Meeting


def is_meeting_organizer(user, meeting: Meeting) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_staff or meeting.organizers.filter(pk=user.pk).exists()


def meeting_permission_required(predicate, *, related=("host_agency",)):
    """The view gets `meeting` (with `related`) instead of `pk`. Anonymous visitors are sent to
    sign in, a meeting that does not exist is a 404, and a signed-in user that
    `predicate(user, meeting)` refuses gets 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, pk, *args, **kwargs):
            meeting = get_object_or_404(Meeting.objects.select_related(*related), pk=pk)
            if not predicate(request.user, meeting):
                raise PermissionDenied
            return view(request, *args, meeting=meeting, **kwargs)

        return wrapper

    return decorator


# The meeting's organizer pages: its organizers and staff.
meeting_organizer_required = meeting_permission_required(is_meeting_organizer)
