"""What every service of follow-up actions shares: the statuses and the steps between them,
the lengths, the errors the user can cause, the row lock, and the dates an action is read by
(its meeting's first day, today, overdue)."""

from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import Min
from django.utils import timezone

from events.models import Meeting
from members.models import Agency

from ..models import Action

Status = Action.Status
OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)
CLOSED_STATUSES = (Status.DONE, Status.CANCELLED)
# What each status may become through record_progress (cancelling is cancel_action's).
NEXT_STATUSES = {
    Status.OPEN: (Status.OPEN, Status.IN_PROGRESS, Status.DONE),
    Status.IN_PROGRESS: (Status.IN_PROGRESS, Status.DONE),
}
TITLE_MAX_LENGTH = 1000
NOTE_MAX_LENGTH = 2000
AGENDA_TITLE_MAX_LENGTH = 300  # AgendaItem.title


class ActionError(Exception):
    """Something the user asked that the rules refuse; `message` says why, translated."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class ActionInvalid(ActionError):
    """The action as given cannot be saved (no one responsible, due before the meeting…)."""


class ActionClosed(ActionError):
    """The action is done or cancelled: it takes no more progress and no more changes."""


class StatusChangeRefused(ActionError):
    """A status change the rules do not allow (backwards, or cancelling through the link)."""


class CarryRefused(ActionError):
    """The chosen follow-up meeting cannot take the actions."""


def meeting_first_day(meeting: Meeting) -> date | None:
    """The day of the meeting's first session, in the meeting's own time zone."""
    first = meeting.sessions.aggregate(first=Min("starts_at"))["first"]
    if first is None:
        return None
    return first.astimezone(ZoneInfo(meeting.time_zone)).date()


def local_today() -> date:
    return timezone.localdate()


def is_overdue(action: Action, *, today: date | None = None) -> bool:
    return action.status in OPEN_STATUSES and action.due_date < (today or local_today())


def agency_label(agency: Agency | None) -> str:
    if agency is None:
        return ""
    return agency.acronym or agency.name


def locked_action(action: Action) -> Action:
    return (
        Action.objects.select_for_update(of=("self",))
        .select_related("meeting__host_agency", "responsible_agency", "responsible_member")
        .get(pk=action.pk)
    )
