"""The minutes (notulen) of a meeting: writing, review, approval and correction: this module
writes them; review is minutes_review.py, approval and correction minutes_approval.py, the
rules they share minutes_rules.py and distribution distribution.py).

States: DRAFT → IN_REVIEW → APPROVED → DISTRIBUTED; a correction takes APPROVED or DISTRIBUTED
back to DRAFT and the next approval makes the next version. The text may be edited in DRAFT and
IN_REVIEW (the minute-taker works the reviewers' comments in while they review); APPROVED and
DISTRIBUTED minutes are locked. Every save that changes something is a MinutesRevision (who,
when, the whole text), and each approval is a revision marked with its version.

Who: the meeting's minute-taker (their account, Meeting.minute_taker.user) or an organizer
writes, sends for review, distributes and starts corrections; the chair or an organizer
approves. Reviewers comment per section through a secret link, without a password, while the
minutes are in review.

"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from events.models import Meeting
from members.models import User

from ..models import Minutes, MinutesRevision, MinutesSection
from ..permissions import can_write_minutes
from .minutes_rules import (
    EDITABLE,
    LOCKED,
    MinutesInvalid,
    MinutesLocked,
    locked_minutes,
    require_allowed,
)

log = logging.getLogger(__name__)

DISCUSSION_MAX_LENGTH = 50_000


# --- Writing ---------------------------------------------------------------------------------


@transaction.atomic
def start_minutes(*, meeting: Meeting, by: User | None) -> Minutes:
    """The minutes of `meeting`, created on first use with one section per agenda item (its
    title from the item). Called again, it adds a section for each agenda item added since,
    while the minutes can still be edited. Only those who may write them may start them."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("chair", "minute_taker")
        .get(pk=meeting.pk)
    )
    require_allowed(can_write_minutes(by, meeting))
    minutes, created = Minutes.objects.get_or_create(meeting=meeting)
    if minutes.state in EDITABLE:
        have = set(minutes.sections.values_list("agenda_item_id", flat=True))
        last = minutes.sections.aggregate(last=Max("position"))["last"]
        position = -1 if last is None else last
        new_sections = []
        for item in meeting.agenda_items.exclude(pk__in=[pk for pk in have if pk]):
            position += 1
            new_sections.append(
                MinutesSection(
                    minutes=minutes, agenda_item=item, title=item.title[:300], position=position
                )
            )
        MinutesSection.objects.bulk_create(new_sections)
    if created:
        log.info("Minutes of meeting %s started by %s", meeting.pk, by)
    return minutes


def minutes_content(minutes: Minutes, sections: Iterable[MinutesSection] | None = None) -> dict:
    """The whole text of the minutes as a revision keeps it."""
    if sections is None:
        sections = minutes.sections.all()
    return {
        "sections": [
            {"id": section.pk, "title": section.title, "discussion": section.discussion}
            for section in sections
        ],
        "conclusions": minutes.conclusions,
    }


def _text_part(content: dict) -> tuple:
    return (
        tuple((s.get("title", ""), s.get("discussion", "")) for s in content.get("sections", [])),
        content.get("conclusions", ""),
    )


@transaction.atomic
def save_minutes(
    *,
    minutes: Minutes,
    sections: Mapping[int, str],
    conclusions: str | None,
    by: User | None,
) -> MinutesRevision | None:
    """Save the discussion of the given sections ({section id: Markdown}) and the conclusions
    (None leaves them as they are) and keep the result as a revision by `by`.

    Allowed in DRAFT and IN_REVIEW to the minute-taker and organizers; refused with
    MinutesLocked once approved (nothing is written). A save that changes nothing writes no
    revision and returns None; a section id of other minutes is refused (MinutesInvalid)."""
    minutes = locked_minutes(minutes)
    require_allowed(can_write_minutes(by, minutes.meeting))
    if minutes.state in LOCKED:
        raise MinutesLocked
    current = list(minutes.sections.all())
    by_id = {section.pk: section for section in current}
    wanted: dict[int, str] = {}
    for key, text in sections.items():
        try:
            pk = int(key)
        except (TypeError, ValueError):
            raise MinutesInvalid(_("Unknown section.")) from None
        if pk not in by_id:
            raise MinutesInvalid(_("Unknown section."))
        wanted[pk] = _clean_text(text)
    changed = []
    for pk, text in wanted.items():
        if by_id[pk].discussion != text:
            by_id[pk].discussion = text
            changed.append(by_id[pk])
    MinutesSection.objects.bulk_update(changed, ["discussion"])
    if conclusions is not None:
        minutes.conclusions = _clean_text(conclusions)
    content = minutes_content(minutes, current)
    latest = minutes.revisions.only("content").first()
    if latest is not None and _text_part(latest.content) == _text_part(content):
        return None
    minutes.save(update_fields=["conclusions", "updated_at"])
    return MinutesRevision.objects.create(minutes=minutes, author=by, content=content)


def _clean_text(text: str | None) -> str:
    text = (text or "").replace("\r\n", "\n").replace("\x00", "")
    if len(text) > DISCUSSION_MAX_LENGTH:
        raise MinutesInvalid(
            _("Keep each text under %(count)d characters.") % {"count": DISCUSSION_MAX_LENGTH}
        )
    return text
