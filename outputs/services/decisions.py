"""Decisions (keputusan) of a meeting: numbered 1, 2, 3… per meeting, each under an agenda item.

Numbers are given under a row lock on the meeting, so two organizers adding at once get 1 and
2; the unique constraint (meeting, number) is the backstop. Decisions may be added, changed and
deleted while the meeting's minutes are not approved; deleting one closes the gap in the
numbering. After approval they are locked like the minutes (MinutesLocked: start a correction).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from events.models import AgendaItem, Meeting

from ..models import Decision, Minutes
from .minutes_rules import MinutesInvalid, MinutesLocked

DECISION_MAX_LENGTH = 5_000


def _lock_meeting(meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    state = Minutes.objects.filter(meeting=meeting).values_list("state", flat=True).first()
    if state in (Minutes.State.APPROVED, Minutes.State.DISTRIBUTED):
        raise MinutesLocked
    return meeting


def _clean(meeting: Meeting, text: str, agenda_item: AgendaItem | None) -> str:
    text = (text or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if not text:
        raise MinutesInvalid(_("Write the decision first."))
    if len(text) > DECISION_MAX_LENGTH:
        raise MinutesInvalid(
            _("Keep the decision under %(count)d characters.") % {"count": DECISION_MAX_LENGTH}
        )
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise MinutesInvalid(_("That agenda item belongs to another meeting."))
    return text


@transaction.atomic
def add_decision(*, meeting: Meeting, text: str, agenda_item: AgendaItem | None = None) -> Decision:
    """The meeting's next decision (number = highest + 1), under `agenda_item` if given (an
    item of this meeting). Refused with MinutesLocked once the minutes are approved."""
    meeting = _lock_meeting(meeting.pk)
    text = _clean(meeting, text, agenda_item)
    last = meeting.decisions.aggregate(last=Max("number"))["last"] or 0
    return Decision.objects.create(
        meeting=meeting, number=last + 1, text=text, agenda_item=agenda_item
    )


@transaction.atomic
def update_decision(
    *, decision: Decision, text: str, agenda_item: AgendaItem | None = None
) -> Decision:
    """Change a decision's text and agenda item; its number stays. Locked after approval."""
    meeting = _lock_meeting(decision.meeting_id)
    decision = Decision.objects.get(pk=decision.pk)
    decision.text = _clean(meeting, text, agenda_item)
    decision.agenda_item = agenda_item
    decision.save(update_fields=["text", "agenda_item"])
    return decision


@transaction.atomic
def delete_decision(*, decision: Decision) -> None:
    """Delete a decision and move the later ones up by one, so the numbers stay 1…n.
    Locked after approval."""
    meeting = _lock_meeting(decision.meeting_id)
    number = Decision.objects.filter(pk=decision.pk).values_list("number", flat=True).first()
    if number is None:
        return
    Decision.objects.filter(pk=decision.pk).delete()
    # One row at a time, upwards: each new number is free when it is taken, whatever order
    # the database checks the unique constraint in.
    for later in meeting.decisions.filter(number__gt=number).order_by("number"):
        Decision.objects.filter(pk=later.pk).update(number=later.number - 1)
