"""Reminders about follow-up actions, sent from Celery beat (`send_action_reminders`).

The rule, for each open or in-progress action:

- "Due soon" when its due date is within REMIND_DAYS_BEFORE days (e.g. due on the 10th: from
  the 7th); "overdue" from the day after its due date (up to OVERDUE_LOOKBACK_DAYS later, so
  that switching reminders on does not mail every action ever missed). Each once.
- To the responsible person; with only an agency responsible, to that agency's members who were
  invited to the meeting (not withdrawn). An agency nobody of which was invited is skipped (and
  logged): there is nobody to write to.
- Once per action, kind and due date: the ActionReminderSent row is written in the same
  transaction as the outbox rows, under a lock on the action, and its unique constraint stops a
  second write; so beat running twice, or at once, sends once. A changed due date is a new due
  date, with reminders of its own.
- The person's reminder carries a progress link of its own (the links of earlier emails keep
  working); agency members get the reminder without a link.
"""

import logging
from datetime import date, timedelta

from django.db import IntegrityError, transaction

from events.models import Invitation
from members.models import Member
from outbox.models import Kind
from outbox.services import queue_messages

from ..models import Action, ActionReminderSent
from .actions import OPEN_STATUSES, action_message, issue_progress_link, local_today, progress_url

log = logging.getLogger(__name__)

REMIND_DAYS_BEFORE = 3
OVERDUE_LOOKBACK_DAYS = 30
ReminderKind = ActionReminderSent.Kind


def reminder_kind(*, due_date: date, today: date) -> str | None:
    """Which reminder an open action due on `due_date` is owed today, if any."""
    if today < due_date <= today + timedelta(days=REMIND_DAYS_BEFORE):
        return ReminderKind.BEFORE_DUE
    if today - timedelta(days=OVERDUE_LOOKBACK_DAYS) <= due_date < today:
        return ReminderKind.OVERDUE
    return None


def send_action_reminders(*, today: date | None = None) -> int:
    """Write every action reminder owed on `today` (default: today in the site's zone) to the
    outbox, one action per transaction; safe to run twice or at once from two processes (see
    the module's rule). Returns how many emails it wrote."""
    today = today or local_today()
    candidates = Action.objects.filter(
        status__in=OPEN_STATUSES,
        due_date__gte=today - timedelta(days=OVERDUE_LOOKBACK_DAYS),
        due_date__lte=today + timedelta(days=REMIND_DAYS_BEFORE),
    ).exclude(due_date=today)
    written = 0
    for action_id, due_date in candidates.values_list("pk", "due_date").order_by("due_date", "pk"):
        kind = reminder_kind(due_date=due_date, today=today)
        if kind is None:
            continue
        try:
            written += send_action_reminder(action_id=action_id, kind=kind, today=today)
        except IntegrityError:  # another run wrote it meanwhile: nothing to do
            log.info("Reminder %s of action %s already written", kind, action_id)
        except Exception:  # one action's trouble must not hold up the others
            log.exception(
                "Reminder %s of action %s failed; the next run tries again", kind, action_id
            )
    return written


@transaction.atomic
def send_action_reminder(*, action_id: int, kind: str, today: date) -> int:
    """Write one action's reminder of `kind` and its ActionReminderSent row, unless it was
    written before or the action no longer owes it. Returns how many emails it wrote."""
    action = (
        Action.objects.select_for_update(of=("self",))
        .select_related("meeting__host_agency", "responsible_agency", "responsible_member")
        .filter(pk=action_id, status__in=OPEN_STATUSES)
        .first()
    )
    if action is None or reminder_kind(due_date=action.due_date, today=today) != kind:
        return 0
    if ActionReminderSent.objects.filter(
        action=action, kind=kind, due_date=action.due_date
    ).exists():
        return 0
    recipients = _recipients(action)
    if not recipients:
        log.info("Action %s: nobody of its agency was invited; no reminder sent", action.pk)
        return 0
    ActionReminderSent.objects.create(action=action, kind=kind, due_date=action.due_date)
    template = "action_overdue" if kind == ReminderKind.OVERDUE else "action_due_soon"
    last = action.progress.order_by("-created_at", "-pk").first()
    extra = {"last_progress": last, "days_left": (action.due_date - today).days}
    messages = []
    for member in recipients:
        link = ""
        if member.pk == action.responsible_member_id:
            link = progress_url(issue_progress_link(action=action, member=member))
        messages.append(
            action_message(action=action, member=member, template=template, link=link, extra=extra)
        )
    queue_messages(messages=messages, kind=Kind.ACTION, topic=f"meeting:{action.meeting_id}")
    return len(messages)


def _recipients(action: Action) -> list[Member]:
    if action.responsible_member is not None:
        return [action.responsible_member]
    invited = Invitation.objects.filter(
        meeting_id=action.meeting_id,
        member__agency_id=action.responsible_agency_id,
        withdrawn_at__isnull=True,
    ).values("member_id")
    return list(Member.objects.filter(pk__in=invited).order_by("pk"))
