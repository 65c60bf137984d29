"""Who may see and download a meeting's records: its organizers and staff, nobody else.

The public verification page needs no permission: it shows only what the document prints."""

from functools import wraps

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from events.models import Meeting


@rules.predicate
def organizes_meeting(user, meeting: Meeting | None) -> bool:
    if meeting is None or not user.is_authenticated:
        return False
    return meeting.organizers.filter(pk=user.pk).exists()


is_staff_or_organizer = rules.is_staff | organizes_meeting

# Frozen documents (every version), the audit trail, and the SPJ bundle with its personal data.
rules.add_perm("records.view_records", is_staff_or_organizer)
rules.add_perm("records.download_bundle", is_staff_or_organizer)


def meeting_permission_required(permission: str):
    """The view gets `meeting` instead of `pk`. Anonymous visitors are sent to sign in, a
    meeting that does not exist is a 404, and a signed-in user without `permission` on it
    gets 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, pk, *args, **kwargs):
            meeting = get_object_or_404(Meeting.objects.select_related("host_agency"), pk=pk)
            if not request.user.has_perm(permission, meeting):
                raise PermissionDenied
            return view(request, *args, meeting=meeting, **kwargs)

        return wrapper

    return decorator
