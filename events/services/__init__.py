"""Every write that matters about meetings and invitations, one function per use case.

meetings.py: a meeting's life (create, edit, publish, cancel, finish, co-organizers);
invitations.py: inviting, sending, answer links, answers, representatives, the waiting list;
changes.py: what an invitee's calendar is told when a meeting changes, is cancelled or withdrawn.
"""

from .changes import (
    send_cancellation,
    send_cancellation_batch,
    send_meeting_update,
    send_update_batch,
    withdraw_invitation,
)
from .invitations import (
    SEND_BATCH_SIZE,
    AnswerClosed,
    MeetingNotPublished,
    RepresentativeInvalid,
    answer_invitation,
    answer_url,
    invitation_for_secret,
    invite_and_send,
    invite_members,
    issue_answer_link,
    issue_answer_links,
    promote_from_waitlist,
    represent_invitation,
    send_invitation_batch,
    send_invitations,
)
from .meetings import (
    MEETING_FIELDS,
    PLACE_FIELDS,
    InvalidTransition,
    MeetingChange,
    MeetingError,
    ScheduleInvalid,
    add_co_organizer,
    cancel_meeting,
    check_schedule,
    create_meeting,
    finish_meeting,
    publish_meeting,
    update_meeting,
)

__all__ = [
    "MEETING_FIELDS",
    "PLACE_FIELDS",
    "SEND_BATCH_SIZE",
    "AnswerClosed",
    "InvalidTransition",
    "MeetingChange",
    "MeetingError",
    "MeetingNotPublished",
    "RepresentativeInvalid",
    "ScheduleInvalid",
    "add_co_organizer",
    "answer_invitation",
    "answer_url",
    "cancel_meeting",
    "check_schedule",
    "create_meeting",
    "finish_meeting",
    "invitation_for_secret",
    "invite_and_send",
    "invite_members",
    "issue_answer_link",
    "issue_answer_links",
    "promote_from_waitlist",
    "publish_meeting",
    "represent_invitation",
    "send_cancellation",
    "send_cancellation_batch",
    "send_invitation_batch",
    "send_invitations",
    "send_meeting_update",
    "send_update_batch",
    "update_meeting",
    "withdraw_invitation",
]
