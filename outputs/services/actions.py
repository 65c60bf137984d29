"""Follow-up actions (rencana tindak lanjut): what, who, by when, and how it goes.

The rules:

- An action has someone responsible: an agency, a person, or both (the database's check
  constraint is the backstop, `ActionInvalid` the clear message). It cannot be due before the
  meeting's first day. It starts open (terbuka).
- A responsible person gets an email with a secret progress link (/actions/p/<secret>/, no
  password; action_links.py). Every email that carries a link gets a new one (an ActionLink,
  only the secret's hash kept), and all of them keep working while that person is responsible:
  an owner may open the assignment email months later. A done or cancelled action is then shown
  read-only. When the responsible person changes, or none is left, the links sent before are
  deleted.
- Progress: open → in progress → done, by the responsible person through the link or by an
  organizer; each step is an ActionProgress row with a note. Only an organizer cancels
  (cancel_action). A done or cancelled action takes no more progress and no more edits.
- Open actions of one meeting can be carried into the agenda of a follow-up meeting
  (action_carry.py): one agenda item per action, linked by Action.carried_to; carrying twice
  carries nothing twice.
"""

import logging
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Meeting
from members.models import Agency, Member, User

from ..models import Action, ActionProgress, Decision
from .action_links import send_progress_link
from .action_rules import (
    CLOSED_STATUSES,
    NEXT_STATUSES,
    NOTE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    ActionClosed,
    ActionInvalid,
    Status,
    StatusChangeRefused,
    locked_action,
    meeting_first_day,
)

log = logging.getLogger(__name__)


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ActionInvalid(_("Say what is to be done."))
    if len(title) > TITLE_MAX_LENGTH:
        raise ActionInvalid(
            _("The description is too long (at most %(n)d characters).") % {"n": TITLE_MAX_LENGTH}
        )
    return title


def _check(
    *,
    meeting: Meeting,
    due_date: date,
    responsible_agency: Agency | None,
    responsible_member: Member | None,
    decision: Decision | None,
) -> None:
    if responsible_agency is None and responsible_member is None:
        raise ActionInvalid(_("Name who is responsible: an agency, a person, or both."))
    if due_date is None:
        raise ActionInvalid(_("Give a due date."))
    first_day = meeting_first_day(meeting)
    if first_day is not None and due_date < first_day:
        raise ActionInvalid(_("A follow-up action cannot be due before the meeting."))
    if decision is not None and decision.meeting_id != meeting.pk:
        raise ActionInvalid(_("That decision belongs to another meeting."))


@transaction.atomic
def add_action(
    *,
    meeting: Meeting,
    title: str,
    due_date: date,
    responsible_agency: Agency | None = None,
    responsible_member: Member | None = None,
    decision: Decision | None = None,
    by: User | None,
) -> Action:
    """Add an open follow-up action to a meeting. Someone must be responsible (an agency and/or
    a person) and it cannot be due before the meeting's first day; a responsible person is
    emailed a progress link at once."""
    title = _clean_title(title)
    _check(
        meeting=meeting,
        due_date=due_date,
        responsible_agency=responsible_agency,
        responsible_member=responsible_member,
        decision=decision,
    )
    action = Action.objects.create(
        meeting=meeting,
        title=title,
        due_date=due_date,
        responsible_agency=responsible_agency,
        responsible_member=responsible_member,
        decision=decision,
        status=Status.OPEN,
    )
    log.info("Action %s added to meeting %s by %s", action.pk, meeting.pk, by)
    if responsible_member is not None:
        send_progress_link(action=action, by=by)
    return action


@transaction.atomic
def update_action(
    *,
    action: Action,
    title: str,
    due_date: date,
    responsible_agency: Agency | None = None,
    responsible_member: Member | None = None,
    decision: Decision | None = None,
    by: User | None,
) -> Action:
    """Change what, who or by when, under the same rules as adding. A done or cancelled action
    cannot be changed. A new responsible person gets a progress link of their own; the links
    sent to the previous person are deleted."""
    action = locked_action(action)
    if action.status in CLOSED_STATUSES:
        raise ActionClosed(_("This action is closed and can no longer be changed."))
    title = _clean_title(title)
    _check(
        meeting=action.meeting,
        due_date=due_date,
        responsible_agency=responsible_agency,
        responsible_member=responsible_member,
        decision=decision,
    )
    new_person = responsible_member is not None and (
        responsible_member.pk != action.responsible_member_id
    )
    action.title, action.due_date, action.decision = title, due_date, decision
    action.responsible_agency, action.responsible_member = responsible_agency, responsible_member
    action.save()
    if responsible_member is None or new_person:
        # Deleted, not merely ignored, so that making the same person responsible again later
        # does not bring back links that were taken from them.
        action.links.exclude(member=responsible_member).delete()
    log.info("Action %s changed by %s", action.pk, by)
    if new_person:
        send_progress_link(action=action, by=by)
    return action


@transaction.atomic
def cancel_action(*, action: Action, by: User, note: str = "") -> Action:
    """An organizer cancels an open or in-progress action (dibatalkan); its link then shows it
    read-only."""
    action = locked_action(action)
    if action.status in CLOSED_STATUSES:
        raise ActionClosed(_("This action is already closed."))
    note = (note or "").strip()[:NOTE_MAX_LENGTH] or _("Cancelled by the organizers.")
    ActionProgress.objects.create(
        action=action, note=note, status=Status.CANCELLED, author_name=_user_name(by)
    )
    action.status = Status.CANCELLED
    action.save(update_fields=["status", "updated_at"])
    return action


@transaction.atomic
def record_progress(*, action: Action, note: str, status: str, author_name: str) -> Action:
    """Post a progress note, through the secret link or by an organizer. The status may stay,
    or move forward: open → in progress → done (completed_at is set then). A done or cancelled
    action takes no more progress; cancelling is for organizers (cancel_action)."""
    action = locked_action(action)
    if action.status in CLOSED_STATUSES:
        raise ActionClosed(
            _("This action is already %(status)s; no more progress can be posted.")
            % {"status": Status(action.status).label.lower()}
        )
    try:
        status = Status(status)
    except ValueError:
        raise StatusChangeRefused(_("Choose a status.")) from None
    if status == Status.CANCELLED:
        raise StatusChangeRefused(_("Only the organizers can cancel an action."))
    if status not in NEXT_STATUSES[Status(action.status)]:
        raise StatusChangeRefused(
            _("An action in progress cannot go back to %(status)s.")
            % {"status": status.label.lower()}
        )
    note = (note or "").strip()
    if not note:
        raise ActionInvalid(_("Write what has been done."))
    if len(note) > NOTE_MAX_LENGTH:
        raise ActionInvalid(
            _("The note is too long (at most %(n)d characters).") % {"n": NOTE_MAX_LENGTH}
        )
    author_name = (author_name or "").strip()[:200]
    if not author_name:
        raise ActionInvalid(_("Give your name."))
    ActionProgress.objects.create(action=action, note=note, status=status, author_name=author_name)
    action.status = status
    fields = ["status", "updated_at"]
    if status == Status.DONE:
        action.completed_at = timezone.now()
        fields.append("completed_at")
    action.save(update_fields=fields)
    return action


def _user_name(user: User | None) -> str:
    if user is None:
        return "Rakor"
    return (getattr(user, "name", "") or user.get_full_name() or user.email)[:200]
