"""Reminders about follow-up actions, sent from Celery beat (`send_action_reminders`).

The rule, for each open or in-progress action:

- "Due soon" when its due date is within REMIND_DAYS_BEFORE days (e.g. due on the 10th: from
  the 7th); "overdue" from the day after its due date (up to OVERDUE_LOOKBACK_DAYS later, so
  that switching reminders on does not mail every action ever missed). Each once.
- To the responsible person; with only an agency responsible, to that agency's members who were
  invited to the meeting (not withdrawn). An agency nobody of which was invited is skipped (and
  logged): there is nobody to write to, and that reminder counts as done.
- Once per action, kind and due date: the ActionReminderSent rows are written in the same
  transaction as the outbox rows, under a lock on the actions (a second run skips locked
  ones), and their unique constraint stops a second write; so beat running twice, or at once,
  sends once. Set-based: the owed actions are one query, and a batch of them a fixed number
  of queries, whatever the number of actions (60,000 members, 10,000 actions). A changed due
  date is a new due date, with reminders of its own.
- The person's reminder carries a progress link of its own (the links of earlier emails keep
  working); agency members get the reminder without a link.
"""

import logging
from datetime import date, timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, Exists, OuterRef, Q, Value, When

from events.models import Invitation
from members.models import Member
from outbox.models import Kind
from outbox.services import queue_messages_by_topic

from ..models import Action, ActionLink, ActionProgress, ActionReminderSent
from .action_links import action_message, new_progress_link, progress_url
from .action_rules import OPEN_STATUSES, local_today

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


# Actions reminded per run at most: the next hourly run takes the rest.
BATCH = 200


def owed_reminders(*, today: date):
    """The open actions that owe a reminder today and have not had it (annotated
    `reminder_kind`): one query, through the index on (status, due_date)."""
    before_due = Q(due_date__gt=today, due_date__lte=today + timedelta(days=REMIND_DAYS_BEFORE))
    overdue = Q(due_date__gte=today - timedelta(days=OVERDUE_LOOKBACK_DAYS), due_date__lt=today)
    sent = ActionReminderSent.objects.filter(
        action=OuterRef("pk"), kind=OuterRef("reminder_kind"), due_date=OuterRef("due_date")
    )
    return (
        Action.objects.filter(before_due | overdue, status__in=OPEN_STATUSES)
        .annotate(
            reminder_kind=Case(
                When(before_due, then=Value(ReminderKind.BEFORE_DUE)),
                default=Value(ReminderKind.OVERDUE),
                output_field=CharField(),
            )
        )
        .filter(~Exists(sent))
    )


def send_action_reminders(*, today: date | None = None) -> int:
    """Write every action reminder owed on `today` (default: today in the site's zone) to the
    outbox, BATCH actions per transaction; safe to run twice or at once from two processes (see
    the module's rule). Set-based: one query when nothing is owed, and a fixed number per batch
    however many actions, people and meetings it holds. Returns how many emails it wrote."""
    today = today or local_today()
    if not owed_reminders(today=today).exists():  # most runs: one query, no transaction
        return 0
    written, after = 0, None
    while True:
        try:
            count, after = send_reminder_batch(today=today, after=after)
        except IntegrityError:  # another run wrote some meanwhile: the next run goes on
            log.info("Action reminders written by another run meanwhile")
            break
        written += count
        if after is None:
            break
    return written


@transaction.atomic
def send_reminder_batch(
    *, today: date, after: tuple[date, int] | None = None
) -> tuple[int, tuple[date, int] | None]:
    """Write the reminders of up to BATCH owed actions (in order of due date and pk, after
    `after`) and their ActionReminderSent rows in one transaction, the actions locked (another
    run skips them). Returns the emails written and, when the batch was full, where the next
    one starts (an action nobody can be reminded of stays owed, so the walk goes by key)."""
    owed = owed_reminders(today=today)
    if after is not None:
        owed = owed.filter(Q(due_date__gt=after[0]) | Q(due_date=after[0], pk__gt=after[1]))
    actions = list(
        owed.select_for_update(of=("self",), skip_locked=True)
        .select_related("meeting__host_agency", "responsible_agency", "responsible_member")
        .order_by("due_date", "pk")[:BATCH]
    )
    if not actions:
        return 0, None
    following = (actions[-1].due_date, actions[-1].pk) if len(actions) == BATCH else None
    # Written by a run that committed after this one's query began: left out.
    already = set(
        ActionReminderSent.objects.filter(action__in=actions).values_list(
            "action_id", "kind", "due_date"
        )
    )
    actions = [a for a in actions if (a.pk, a.reminder_kind, a.due_date) not in already]
    recipients = _recipients(actions)
    last_progress = _last_progress(actions)
    to_write, links = [], []
    by_topic: dict[str, list[EmailMultiAlternatives]] = {}
    for action in actions:
        people = recipients.get(action.pk, [])
        # Written for an action nobody can be told about too: the reminder is done, and the
        # next runs do not read it again (beat stays one query when nothing is owed).
        to_write.append(
            ActionReminderSent(action=action, kind=action.reminder_kind, due_date=action.due_date)
        )
        if not people:
            log.info("Action %s: nobody of its agency was invited; no reminder sent", action.pk)
            continue
        template = (
            "action_overdue" if action.reminder_kind == ReminderKind.OVERDUE else "action_due_soon"
        )
        extra = {
            "last_progress": last_progress.get(action.pk),
            "days_left": (action.due_date - today).days,
        }
        for member in people:
            link = ""
            if member.pk == action.responsible_member_id:
                secret, row = new_progress_link(action=action, member=member)
                links.append(row)
                link = progress_url(secret)
            by_topic.setdefault(f"meeting:{action.meeting_id}", []).append(
                action_message(
                    action=action, member=member, template=template, link=link, extra=extra
                )
            )
    ActionReminderSent.objects.bulk_create(to_write)
    ActionLink.objects.bulk_create(links)
    queue_messages_by_topic(messages=by_topic, kind=Kind.ACTION)
    return sum(len(messages) for messages in by_topic.values()), following


def _recipients(actions: list[Action]) -> dict[int, list[Member]]:
    """Per action, whom its reminder goes to: the responsible person; with only an agency,
    that agency's members invited to the meeting (not withdrawn), by pk. One query."""
    recipients: dict[int, list[Member]] = {}
    for action in actions:
        if action.responsible_member_id and action.responsible_member is not None:
            recipients[action.pk] = [action.responsible_member]
    by_agency = [a for a in actions if not a.responsible_member_id and a.responsible_agency_id]
    if not by_agency:
        return recipients
    wanted = Q()
    for action in by_agency:
        wanted |= Q(meeting_id=action.meeting_id, member__agency_id=action.responsible_agency_id)
    invited: dict[tuple[int, int | None], dict[int, Member]] = {}
    for invitation in (
        Invitation.objects.filter(wanted, withdrawn_at__isnull=True)
        .select_related("member")
        .order_by("member_id")
    ):
        key = (invitation.meeting_id, invitation.member.agency_id)
        invited.setdefault(key, {})[invitation.member_id] = invitation.member
    for action in by_agency:
        found = invited.get((action.meeting_id, action.responsible_agency_id), {})
        recipients[action.pk] = list(found.values())
    return recipients


def _last_progress(actions: list[Action]) -> dict[int, ActionProgress]:
    """Each action's latest progress note, if any. One query."""
    latest: dict[int, ActionProgress] = {}
    for progress in ActionProgress.objects.filter(action__in=actions).order_by(
        "action_id", "created_at", "pk"
    ):
        latest[progress.action_id] = progress
    return latest
