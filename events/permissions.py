"""Who may see a meeting's organizer pages: its organizers and staff, nobody else."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Meeting


def is_meeting_organizer(user, meeting: Meeting) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_staff or meeting.organizers.filter(pk=user.pk).exists()


def meeting_organizer_required(view):
    """The view gets `meeting` instead of `pk`. Anonymous visitors are sent to sign in, a
    meeting that does not exist is a 404, and a signed-in user who is not one of its organizers
    (nor staff) gets 403."""

    @wraps(view)
    @login_required
    def wrapper(request, pk, *args, **kwargs):
        meeting = get_object_or_404(Meeting.objects.select_related("host_agency"), pk=pk)
        if not is_meeting_organizer(request.user, meeting):
            raise PermissionDenied
        return view(request, *args, meeting=meeting, **kwargs)

    return wrapper
