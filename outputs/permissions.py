"""Who may do what with a meeting's outputs: one named predicate per rule, and the decorators
that put them in front of views. Services and selectors ask the same predicates.

- Minutes: the minute-taker writes them, the chair approves them, the organizers (and staff) do
  both (`can_write_minutes`, `can_approve_minutes`); the editor and its pages are for anyone who
  does either (`may_open_minutes`); decisions are written with the minutes.
- Documents: organizers and speakers upload (`may_upload_documents`); everyone sees a public
  document, participants (invitations still standing) one for participants, and the organizers
  and whoever uploaded it every one (`may_view_document`); the organizers and the uploader
  delete (`may_delete_document`).
- The tracker and the decisions search: staff, and whoever organizes a meeting
  (`organizes_any_meeting`).
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

from events.models import Invitation, Meeting
from events.permissions import is_meeting_organizer, meeting_permission_required
from members.models import Member, User

from .models import Document

__all__ = [
    "can_approve_minutes",
    "can_write_minutes",
    "document_uploader_required",
    "is_participant",
    "is_speaker",
    "may_delete_document",
    "may_open_minutes",
    "may_upload_documents",
    "may_view_document",
    "minutes_reader_required",
    "minutes_writer_required",
    "organizer_of_any_meeting_required",
    "organizes_any_meeting",
]


# --- Minutes and decisions --------------------------------------------------------------------


def is_member_user(user: User | None, member: Member | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and member is not None
        and member.user_id is not None
        and member.user_id == user.pk
    )


def can_write_minutes(user: User | None, meeting: Meeting) -> bool:
    """The minute-taker (their linked account) or an organizer of the meeting (or staff)."""
    if user is None or not user.is_authenticated:
        return False
    return is_member_user(user, meeting.minute_taker) or is_meeting_organizer(user, meeting)


def can_approve_minutes(user: User | None, meeting: Meeting) -> bool:
    """The chair (their linked account) or an organizer of the meeting (or staff)."""
    if user is None or not user.is_authenticated:
        return False
    return is_member_user(user, meeting.chair) or is_meeting_organizer(user, meeting)


def may_open_minutes(user, meeting: Meeting) -> bool:
    """The minutes' pages: whoever may write or approve them."""
    return can_write_minutes(user, meeting) or can_approve_minutes(user, meeting)


MINUTES_RELATED = ("host_agency", "chair", "minute_taker")
minutes_reader_required = meeting_permission_required(may_open_minutes, related=MINUTES_RELATED)
minutes_writer_required = meeting_permission_required(can_write_minutes, related=MINUTES_RELATED)


# --- Documents --------------------------------------------------------------------------------


def is_speaker(user, meeting: Meeting) -> bool:
    if not user.is_authenticated:
        return False
    return Invitation.objects.filter(
        meeting=meeting,
        member__user=user,
        role=Invitation.Role.SPEAKER,
        withdrawn_at__isnull=True,
    ).exists()


def is_participant(user, meeting: Meeting) -> bool:
    """Signed in with an invitation to `meeting` that still stands."""
    return (
        user.is_authenticated
        and Invitation.objects.filter(
            meeting=meeting, member__user=user, withdrawn_at__isnull=True
        ).exists()
    )


def may_upload_documents(user, meeting: Meeting) -> bool:
    """Organizers of the meeting and its speakers."""
    return is_meeting_organizer(user, meeting) or is_speaker(user, meeting)


def may_view_document(
    *, document: Document, user=None, invitation: Invitation | None = None
) -> bool:
    """The rule for documents at the top of this module. `invitation` is the one an answer
    link opened."""
    if document.visibility == Document.Visibility.PUBLIC:
        return True
    signed_in = user is not None and user.is_authenticated
    if signed_in and (
        document.uploaded_by_id == user.pk or is_meeting_organizer(user, document.meeting)
    ):
        return True
    if document.visibility != Document.Visibility.PARTICIPANTS:
        return False
    if invitation is not None:
        return invitation.meeting_id == document.meeting_id and invitation.withdrawn_at is None
    return user is not None and is_participant(user, document.meeting)


def may_delete_document(user, document: Document) -> bool:
    return is_meeting_organizer(user, document.meeting) or document.uploaded_by_id == user.pk


document_uploader_required = meeting_permission_required(may_upload_documents)


# --- Across meetings: the tracker and the decisions search ------------------------------------


def organizes_any_meeting(user) -> bool:
    """Staff, or an organizer of a meeting: whom the tracker and the search have rows for."""
    return user.is_authenticated and (user.is_staff or user.organized_meetings.exists())


def organizer_of_any_meeting_required(view):
    """403 for a user `organizes_any_meeting` refuses. Put under login_required."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not organizes_any_meeting(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
