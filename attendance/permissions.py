"""Who may do what at a meeting's check-in and with its attendance: one named predicate per rule,
and the decorator that puts the scanner's in front of views. Services ask the same predicates.

The organizer pages (dashboard, table, daftar hadir, online reports, operators) ask
events.permissions.meeting_organizer_required; an operator link's pages ask for its secret
(attendance/views/scanner.py), not for an account."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from events.models import Meeting
from events.permissions import is_meeting_organizer

from .models import CheckInOperator


def can_operate_scanner(user, meeting: Meeting) -> bool:
    """Organizers of the meeting (and staff) and the accounts they added as operators."""
    if not user.is_authenticated:
        return False
    if is_meeting_organizer(user, meeting):
        return True
    return CheckInOperator.objects.filter(meeting=meeting, user=user).exists()


def may_sign_late(user, meeting: Meeting) -> bool:
    """After a session's signatures close, only its organizers add one (with the reason)."""
    return is_meeting_organizer(user, meeting)


def may_close_sheets(user, meeting: Meeting) -> bool:
    """Closing a session's daftar hadir freezes it as a record: the meeting's organizers."""
    return is_meeting_organizer(user, meeting)


def scanner_operator_required(view):
    """The view gets `meeting` instead of `pk`. Anonymous visitors are sent to sign in, a
    meeting that does not exist is a 404, and a signed-in user who may not operate its scanner
    gets 403."""

    @wraps(view)
    def wrapper(request, pk, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        meeting = get_object_or_404(Meeting, pk=pk)
        if not can_operate_scanner(request.user, meeting):
            raise PermissionDenied
        return view(request, *args, meeting=meeting, **kwargs)

    return wrapper
