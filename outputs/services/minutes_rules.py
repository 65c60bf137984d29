"""The rules every service of the minutes keeps: who may write and who may approve them, the
states in which they can be edited, the row lock, and the errors the user can cause."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.errors import Refused

from ..models import Minutes

State = Minutes.State
EDITABLE = (State.DRAFT, State.IN_REVIEW)
LOCKED = (State.APPROVED, State.DISTRIBUTED)


class MinutesError(Refused):
    """Something the user asked that the minutes' rules refuse; `message` says why."""

    message = _("This cannot be done with these minutes.")


class MinutesLocked(MinutesError):
    message = _("Approved minutes are locked; start a correction.")


class MinutesNotAllowed(MinutesError):
    message = _("Only the minute-taker or an organizer of this meeting may do this.")


class MinutesStateError(MinutesError):
    message = _("The minutes are not in a state that allows this.")


class MinutesInvalid(MinutesError):
    message = _("Check what you entered.")


class ReviewClosed(MinutesError):
    message = _("These minutes are approved; comments are closed.")


# --- Who may do what ------------------------------------------------------------------------


def require_allowed(allowed: bool, message=None) -> None:
    if not allowed:
        raise MinutesNotAllowed(message)


def locked_minutes(minutes: Minutes) -> Minutes:
    return (
        Minutes.objects.select_for_update(of=("self",))
        .select_related("meeting__chair", "meeting__minute_taker")
        .get(pk=minutes.pk)
    )
