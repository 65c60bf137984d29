"""Follow-up actions (rencana tindak lanjut): what, who, by when, and how it goes.

The rules:

- An action has someone responsible: an agency, a person, or both (the database's check
  constraint is the backstop, `ActionInvalid` the clear message). It cannot be due before the
  meeting's first day. It starts open (terbuka).
- A responsible person gets an email with a secret progress link (/actions/p/<secret>/, no
  password). Every email that carries a link gets a new one (an ActionLink, only the secret's
  hash kept), and all of them keep working while that person is responsible: an owner may open
  the assignment email months later. A done or cancelled action is then shown read-only. When
  the responsible person changes, or none is left, the links sent before are deleted.
- Progress: open → in progress → done, by the responsible person through the link or by an
  organizer; each step is an ActionProgress row with a note. Only an organizer cancels
  (cancel_action). A done or cancelled action takes no more progress and no more edits.
- Open actions of one meeting can be carried into the agenda of a follow-up meeting: one agenda
  item per action, linked by Action.carried_to; carrying twice carries nothing twice.
"""

import logging
from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Max, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.secrets import hash_secret, lookup_hash, new_secret
from events.models import AgendaItem, Meeting
from members.models import Agency, Member, User
from outbox.models import Kind, OutboxMessage
from outbox.services import queue_messages

from ..mail import member_email
from ..models import Action, ActionLink, ActionProgress, Decision

log = logging.getLogger(__name__)

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


# --- Reading ----------------------------------------------------------------------------------


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


def action_for_secret(secret: str) -> Action | None:
    """The action a progress link opens, or None for a forged or mistyped link, or one sent to
    someone no longer responsible. Any link of any email works, whatever came after it. The
    lookup is by the secret's hash (core.secrets); outputs.links opens it, counting wrong
    links."""
    digest = lookup_hash(secret)
    if digest is None:
        return None
    link = (
        ActionLink.objects.select_related(
            "action__meeting__host_agency",
            "action__responsible_agency",
            "action__responsible_member__agency",
        )
        .filter(secret_hash=digest, action__responsible_member=F("member"))
        .first()
    )
    return link.action if link else None


def progress_url(secret: str) -> str:
    return f"{settings.SITE_URL}{reverse('outputs:action_progress', args=[secret])}"


def agency_label(agency: Agency | None) -> str:
    if agency is None:
        return ""
    return agency.acronym or agency.name


# --- Writing ----------------------------------------------------------------------------------


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


def _locked(action: Action) -> Action:
    return (
        Action.objects.select_for_update(of=("self",))
        .select_related("meeting__host_agency", "responsible_agency", "responsible_member")
        .get(pk=action.pk)
    )


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
    action = _locked(action)
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
    action = _locked(action)
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
    action = _locked(action)
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


# --- The progress link ------------------------------------------------------------------------


@transaction.atomic
def send_progress_link(*, action: Action, by: User | None = None) -> OutboxMessage | None:
    """Email the responsible person a new progress link (the links of earlier emails keep
    working). Nothing is sent for an action without a responsible person or one that is
    closed."""
    action = _locked(action)
    member = action.responsible_member
    if member is None or action.status in CLOSED_STATUSES:
        return None
    secret = issue_progress_link(action=action, member=member)
    message = action_message(
        action=action, member=member, template="action_link", link=progress_url(secret)
    )
    [row] = queue_messages(
        messages=[message], kind=Kind.ACTION, topic=f"meeting:{action.meeting_id}"
    )
    log.info("Progress link of action %s sent to member %s by %s", action.pk, member.pk, by)
    return row


def issue_progress_link(*, action: Action, member: Member) -> str:
    """A new progress link for one email to `member`; the caller puts the secret in the link.
    Only its hash is kept."""
    secret, link = new_progress_link(action=action, member=member)
    link.save()
    return secret


def new_progress_link(*, action: Action, member: Member) -> tuple[str, ActionLink]:
    """A progress link's secret and its row, not saved yet (for a bulk_create)."""
    secret = new_secret()
    return secret, ActionLink(action=action, member=member, secret_hash=hash_secret(secret))


def action_message(
    *,
    action: Action,
    member: Member,
    template: str,
    link: str = "",
    extra: dict | None = None,
) -> EmailMultiAlternatives:
    """One email about one action to one person, in their language: templates
    outputs/email/<template>_subject.txt, .txt and .html."""
    language = member.language or settings.LANGUAGE_CODE
    meeting = action.meeting
    with override(language):
        context = {
            "member_name": member.full_name,
            "action": action,
            "meeting": meeting,
            "agency": action.responsible_agency,
            "due": date_format(action.due_date, "j F Y"),
            "status": Status(action.status).label,
            "link": link,
            **(extra or {}),
        }
    return member_email(member=member, template=template, context=context, language=language)


# --- Carrying open actions into a follow-up meeting --------------------------------------------


def carry_targets(*, user: User, from_meeting: Meeting):
    """The meetings `user` may carry actions into: those they organize (staff: all), other than
    this one, neither finished nor cancelled."""
    meetings = Meeting.objects.exclude(pk=from_meeting.pk).exclude(
        state__in=[Meeting.State.FINISHED, Meeting.State.CANCELLED]
    )
    if not user.is_staff:
        meetings = meetings.filter(organizers=user)
    return meetings.order_by("-created_at", "-pk")


def carried_title(action: Action) -> str:
    """'Tindak lanjut: <what> (<agency>, due <date>)', in the site's language, fitted to the
    agenda item's length."""
    with override(settings.LANGUAGE_CODE):
        who = agency_label(action.responsible_agency) or (
            action.responsible_member.full_name if action.responsible_member else ""
        )
        due = date_format(action.due_date, "j F Y")
        template = _("Follow-up: %(what)s (%(who)s, due %(due)s)")
        room = AGENDA_TITLE_MAX_LENGTH - len(template % {"what": "", "who": who, "due": due})
        what = " ".join(action.title.split())
        if len(what) > room:
            what = what[: max(room - 1, 0)] + "…"
        return (template % {"what": what, "who": who, "due": due})[:AGENDA_TITLE_MAX_LENGTH]


@transaction.atomic
def carry_open_actions(*, from_meeting: Meeting, to_meeting: Meeting, by: User | None) -> int:
    """Every open or in-progress action of `from_meeting` not carried yet becomes an agenda item
    of `to_meeting` (after its current agenda), linked by Action.carried_to. Carrying again
    carries nothing twice. The follow-up meeting must be another one, neither finished nor
    cancelled. Returns how many actions were carried."""
    if to_meeting.pk == from_meeting.pk:
        raise CarryRefused(_("Choose another meeting to carry the actions into."))
    to_meeting = Meeting.objects.select_for_update().get(pk=to_meeting.pk)
    if to_meeting.state in (Meeting.State.FINISHED, Meeting.State.CANCELLED):
        raise CarryRefused(_("That meeting is finished or cancelled; choose another one."))
    actions = list(
        Action.objects.select_for_update(of=("self",))
        .select_related("responsible_agency", "responsible_member")
        .filter(meeting=from_meeting, status__in=OPEN_STATUSES, carried_to__isnull=True)
        .order_by("due_date", "pk")
    )
    if not actions:
        return 0
    position = to_meeting.agenda_items.aggregate(last=Max("position"))["last"]
    position = 0 if position is None else position + 1
    for offset, action in enumerate(actions):
        item = AgendaItem.objects.create(
            meeting=to_meeting, title=carried_title(action), position=position + offset
        )
        action.carried_to = item
        action.save(update_fields=["carried_to", "updated_at"])
    log.info(
        "%d actions of meeting %s carried into meeting %s by %s",
        len(actions),
        from_meeting.pk,
        to_meeting.pk,
        by,
    )
    return len(actions)
