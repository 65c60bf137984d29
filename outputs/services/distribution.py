"""Distributing approved minutes: to everyone invited (not withdrawn) and everyone who checked in
at any session — attendees and the contacts of every invited agency alike — plus the chair and
the minute-taker, one email each, in the recipient's language, with the PDF attached.

The organizer's request only marks the minutes distributed and the distribution owed (outbox's
owed mail); a Celery task makes the PDFs (tens of seconds for a long attendance table) and
writes the emails to the outbox after commit, and beat's sweeper hands over again what a lost
broker or a failed PDF left owed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from core.batches import batched
from events.models import Invitation, Meeting
from members.models import Member, User
from outbox.models import Kind
from outbox.services import Work, owe, queue_messages

from ..mail import first_day, member_email
from ..markdown import markdown_to_text, render_markdown
from ..models import Minutes
from ..permissions import can_write_minutes
from .minutes_rules import MinutesStateError, locked_minutes, require_allowed

log = logging.getLogger(__name__)

State = Minutes.State
# Distribution emails are written to the outbox this many at a time: each carries the PDF.
DISTRIBUTION_BATCH_SIZE = 200
DISTRIBUTION_TASK = "outputs.tasks.write_minutes_distribution"


class MinutesPdfFailed(Exception):
    """The renderer could not make the minutes' PDF (logged with its traceback)."""


def distribution_member_ids(*, meeting: Meeting) -> list[int]:
    """Who receives the approved minutes: every invitee not withdrawn (the contacts of every
    invited agency), everyone who checked in at any session, the chair and the minute-taker;
    each person once, in a fixed order."""
    ids = set(
        Invitation.objects.filter(meeting=meeting)
        .filter(Q(withdrawn_at__isnull=True) | Q(checkins__isnull=False))
        .values_list("member_id", flat=True)
    )
    ids.update(pk for pk in (meeting.chair_id, meeting.minute_taker_id) if pk)
    return sorted(ids)


@transaction.atomic
def distribute_minutes(*, minutes: Minutes, by: User | None) -> int:
    """APPROVED → DISTRIBUTED, and the distribution of this version recorded as owed in the same
    transaction; after commit write_distribution (a Celery task) makes the PDFs and writes the
    emails. So the request is quick whatever the number of recipients, and a broker that is down
    at commit only delays the emails until the sweeper hands them over again. Returns how many
    people the minutes are being sent to."""
    minutes = locked_minutes(minutes)
    meeting = minutes.meeting
    require_allowed(can_write_minutes(by, meeting))
    if minutes.state == State.DISTRIBUTED:
        raise MinutesStateError(_("These minutes have already been distributed."))
    if minutes.state != State.APPROVED:
        raise MinutesStateError(_("Approve the minutes before distributing them."))
    now = timezone.now()
    minutes.state = State.DISTRIBUTED
    minutes.distributed_at = now
    minutes.distribution_written_at = minutes.distribution_pdf_failed_at = None
    minutes.save(
        update_fields=[
            "state",
            "distributed_at",
            "distribution_written_at",
            "distribution_pdf_failed_at",
            "updated_at",
        ]
    )
    count = len(distribution_member_ids(meeting=meeting))
    owe(
        kind=Kind.MINUTES,
        topic=f"meeting:{meeting.pk}",
        work=[Work(task=DISTRIBUTION_TASK, args=[minutes.pk, minutes.version], count=count)],
    )
    log.info(
        "Minutes %s v%d distributed to %d people by %s", minutes.pk, minutes.version, count, by
    )
    return count


def write_distribution(*, minutes_id: int, version: int) -> int:
    """Write the owed distribution of `version` of the minutes to the outbox: each language's PDF
    made once, then every recipient's email, in the transaction that marks it written. Returns
    how many emails it wrote.

    The PDFs are made before the minutes are locked, so the organizer is not kept waiting by
    the renderer; the writing then locks the minutes and skips a distribution already written,
    corrected meanwhile or of another version, so two runs write each email once. A PDF that
    cannot be made writes nothing, is logged, marks the minutes (for their page) and raises
    MinutesPdfFailed: the distribution stays owed and the sweeper tries again."""
    owed = Minutes.objects.filter(
        pk=minutes_id,
        state=State.DISTRIBUTED,
        version=version,
        distribution_written_at__isnull=True,
    )
    minutes = owed.select_related("meeting__host_agency").first()
    if minutes is None:
        return 0
    members = list(
        Member.objects.filter(pk__in=distribution_member_ids(meeting=minutes.meeting)).order_by(
            "pk"
        )
    )
    try:
        pdfs = _distribution_pdfs(minutes=minutes, members=members)
    except MinutesPdfFailed:
        owed.update(distribution_pdf_failed_at=timezone.now())
        raise
    with transaction.atomic():
        if owed.select_for_update().only("pk").first() is None:
            return 0  # another run wrote it meanwhile
        _queue_distribution(minutes=minutes, members=members, pdfs=pdfs)
        owed.update(distribution_written_at=timezone.now(), distribution_pdf_failed_at=None)
    log.info("Minutes %s v%d written for %d people", minutes_id, version, len(members))
    return len(members)


def _language(member: Member) -> str:
    return member.language or settings.LANGUAGE_CODE


def _distribution_pdfs(*, minutes: Minutes, members: Sequence[Member]) -> dict[str, bytes]:
    """The PDF each language of `members` receives: the frozen record of the approved version
    (the official notulen, in Indonesian, the same bytes for everyone), read once; else the
    minutes made once per language. MinutesPdfFailed, logged, when it cannot be had."""
    from .notulen import frozen_notulen

    languages = {_language(member) for member in members}
    frozen = frozen_notulen(minutes)
    if frozen is None:
        return {
            language: _minutes_pdf(minutes=minutes, language=language) for language in languages
        }
    try:
        pdf = frozen.pdf_bytes()
    except Exception as error:  # the database failing to give the record back
        log.exception("PDF of minutes %s v%d could not be read", minutes.pk, minutes.version)
        raise MinutesPdfFailed from error
    return dict.fromkeys(languages, pdf)


def _queue_distribution(
    *, minutes: Minutes, members: Sequence[Member], pdfs: Mapping[str, bytes]
) -> int:
    """Write each member's distribution email to the outbox with the PDF in their language
    (every email in a language carries the same bytes). DISTRIBUTION_BATCH_SIZE messages at a
    time: every message carries its own copy of the PDF."""
    topic = f"meeting:{minutes.meeting_id}"
    for batch in batched(members, DISTRIBUTION_BATCH_SIZE):
        messages = [
            _distribution_message(minutes=minutes, member=member, pdf=pdfs[_language(member)])
            for member in batch
        ]
        queue_messages(messages=messages, kind=Kind.MINUTES, topic=topic)
    return len(members)


def _minutes_pdf(*, minutes: Minutes, language: str) -> bytes:
    """The minutes' PDF in `language`, or MinutesPdfFailed with the renderer's error logged."""
    from ..exports import minutes_pdf  # WeasyPrint: loaded when the minutes are distributed

    try:
        return minutes_pdf(minutes=minutes, language=language)
    except Exception as error:
        # A broken image or font, or any fault of WeasyPrint: the sweeper tries again, the
        # administrator needs the traceback.
        log.exception(
            "PDF of minutes %s v%d (%s) could not be made", minutes.pk, minutes.version, language
        )
        raise MinutesPdfFailed from error


def _distribution_message(
    *, minutes: Minutes, member: Member, pdf: bytes
) -> EmailMultiAlternatives:
    language = _language(member)
    meeting = minutes.meeting
    with override(language):
        context = {
            "member_name": member.full_name,
            "meeting": meeting,
            "minutes": minutes,
            "first_day": first_day(meeting, language),
            "approved_on": date_format(
                minutes.approved_at.astimezone(ZoneInfo(meeting.time_zone)).date(), "j F Y"
            )
            if minutes.approved_at
            else "",
            "is_correction": minutes.version > 1,
            "previous_version": minutes.version - 1,
            "conclusions_html": render_markdown(minutes.conclusions),
            "conclusions_text": markdown_to_text(minutes.conclusions),
        }
    message = member_email(
        member=member, template="minutes_distribution", context=context, language=language
    )
    message.attach(_pdf_name(meeting, minutes.version), pdf, "application/pdf")
    return message


def _pdf_name(meeting: Meeting, version: int) -> str:
    return f"notulen-rapat-{meeting.pk}-v{version}.pdf"
