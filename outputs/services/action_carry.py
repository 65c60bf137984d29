"""Carrying the open follow-up actions of a meeting into the agenda of a follow-up meeting:
one agenda item per action, linked by Action.carried_to; carrying twice carries nothing twice."""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from events.models import AgendaItem, Meeting
from members.models import User

from ..models import Action
from .action_rules import AGENDA_TITLE_MAX_LENGTH, OPEN_STATUSES, CarryRefused, agency_label

log = logging.getLogger(__name__)


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
