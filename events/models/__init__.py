"""The models of meetings, one module per part: meetings (with sessions and agenda),
invitations (and what hangs on one), registrations, calendar replies, invitation letters."""

from events.models.invitations import (
    AnswerLink,
    Invitation,
    ReminderSent,
    Representation,
    SeatOffer,
)
from events.models.letters import InvitationLetter
from events.models.meetings import (
    ONLINE_MODES,
    AgendaItem,
    Meeting,
    MeetingCounts,
    Session,
    default_reminder_offsets,
    new_calendar_uid,
    new_public_code,
)
from events.models.registrations import Registration
from events.models.replies import ANSWER_FOR_PARTSTAT, CalendarReply

__all__ = [
    "ANSWER_FOR_PARTSTAT",
    "ONLINE_MODES",
    "AgendaItem",
    "AnswerLink",
    "CalendarReply",
    "Invitation",
    "InvitationLetter",
    "Meeting",
    "MeetingCounts",
    "Registration",
    "ReminderSent",
    "Representation",
    "SeatOffer",
    "Session",
    "default_reminder_offsets",
    "new_calendar_uid",
    "new_public_code",
]
