"""Reminders before a meeting, sent from Celery beat (`send_due_reminders`).

The rule, per published meeting that has not started yet:

- Its reminder moments are the first session's start minus each of `Meeting.reminder_offsets`
  (minutes). The due offset is the smallest one whose moment has passed: the latest reminder
  due. Earlier offsets that were missed (beat down for a day) are not caught up, so nobody
  gets "see you tomorrow" and "see you in two hours" in the same minute.
- Those who accepted (YES) get "see you soon"; those who have not answered or answered
  "tentative" (PENDING, MAYBE) get "please answer", while answers are still open. Declined,
  represented and waitlisted invitees get nothing, nor does anyone whose invitation is withdrawn,
  not sent, or sent after the reminder's moment (their invitation is the freshest reminder).
- One reminder per invitation, offset and first start: the ReminderSent row is written in the
  same transaction as the outbox row, and its unique constraint stops a second write. A meeting
  moved later has a new first start, so its reminders are due again for the new date; unsent
  reminders simply follow the current first start.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Min, OuterRef, Q
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import override

from core.dates import format_moment
from outbox.models import Kind
from outbox.services import queue_messages

from ..calendar import build_request
from ..mail import CalendarEmail, calendar_email
from ..mail_bodies import calendar_bodies
from ..models import Invitation, Meeting, ReminderSent
from ..snapshot import MeetingSnapshot
from .answer_links import answer_url, issue_answer_links

log = logging.getLogger(__name__)

# Offsets longer than this are refused by the meeting form; the beat query looks no further.
MAX_OFFSET_MINUTES = 30 * 24 * 60
# Reminders written per transaction, and per run at most (the next run, five minutes later,
# takes the rest): a run's queries stay bounded whatever the size of the meetings due.
SEND_BATCH_SIZE = 500
RUN_LIMIT = 2000
ATTENDING = "reminder_attending"  # templates events/email/reminder_attending*
PLEASE_ANSWER = "reminder_answer"  # templates events/email/reminder_answer*
PLEASE_ANSWER_ANSWERS = (Invitation.Answer.PENDING, Invitation.Answer.MAYBE)


def due_offset(*, offsets: list[int], first_start: datetime, now: datetime) -> int | None:
    """The offset (minutes) whose reminder is due now, or None: the smallest offset whose
    moment (first start minus offset) has passed, while the meeting has not started."""
    if now >= first_start:
        return None
    passed = [
        minutes
        for minutes in offsets or ()
        if minutes > 0 and first_start - timedelta(minutes=minutes) <= now
    ]
    return min(passed, default=None)


def send_due_reminders(*, now: datetime | None = None) -> int:
    """Write every reminder that is due at `now` (default: the current time) to the outbox,
    meeting by meeting, in batches of SEND_BATCH_SIZE, at most RUN_LIMIT per run; safe to run
    twice or at once from two processes (see the module's rule). A batch that fails is rolled
    back whole and tried again by the next run. Two queries when nothing is owed. Returns how
    many reminders it wrote."""
    now = now or timezone.now()
    candidates = (
        Meeting.objects.filter(state=Meeting.State.PUBLISHED)
        .annotate(first_start=Min("sessions__starts_at"))
        .filter(first_start__gt=now, first_start__lte=now + timedelta(minutes=MAX_OFFSET_MINUTES))
        .values_list("pk", "first_start", "reminder_offsets")
    )
    due = {}
    for meeting_id, first_start, offsets in candidates:
        offset = due_offset(offsets=offsets, first_start=first_start, now=now)
        if offset is not None:
            due[meeting_id] = (offset, first_start)
    written = 0
    for meeting_id in _with_reminders_owed(due):
        snapshots: dict = {}
        try:
            while written < RUN_LIMIT:
                count = send_reminder_batch(meeting_id=meeting_id, now=now, snapshots=snapshots)
                written += count
                if count < SEND_BATCH_SIZE:
                    break
        except Exception:  # one meeting's trouble must not hold up the others' reminders
            log.exception("Reminders of meeting %s failed; the next run tries again", meeting_id)
    return written


def _with_reminders_owed(due: dict[int, tuple[int, datetime]]) -> list[int]:
    """Of the meetings `due` ({pk: (offset, first start)}), those with someone still owed the
    due reminder: one query, so that a run with nothing left to write costs two."""
    if not due:
        return []
    owed = Q()
    for meeting_id, (offset, first_start) in due.items():
        reminded = ReminderSent.objects.filter(
            invitation=OuterRef("pk"), offset_minutes=offset, first_starts_at=first_start
        )
        owed |= Q(~Exists(reminded), meeting_id=meeting_id)
    return sorted(
        Invitation.objects.filter(
            owed,
            withdrawn_at__isnull=True,
            invitation_sent_at__isnull=False,
            answer__in=[Invitation.Answer.YES, *PLEASE_ANSWER_ANSWERS],
        )
        .order_by()
        .values_list("meeting_id", flat=True)
        .distinct()
    )


@transaction.atomic
def send_reminder_batch(*, meeting_id: int, now: datetime, snapshots: dict | None = None) -> int:
    """Write up to SEND_BATCH_SIZE due reminders of one meeting, with their ReminderSent rows.

    The meeting row is locked, so two runs take turns and the second finds the first's
    ReminderSent rows; were they to race anyway, the unique constraint would roll the second
    back whole. `snapshots` lets the batches of one run share one MeetingSnapshot (rebuilt if
    the meeting was saved in between). Returns how many reminders it wrote.
    """
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("host_agency")
        .filter(pk=meeting_id, state=Meeting.State.PUBLISHED)
        .first()
    )
    if meeting is None:
        return 0
    snapshots = {} if snapshots is None else snapshots
    key = (meeting.pk, meeting.updated_at, meeting.sequence)
    if key not in snapshots:
        snapshots.clear()
        snapshots[key] = MeetingSnapshot.of(meeting)
    snapshot = snapshots[key]
    if not snapshot.sessions:
        return 0
    first_start = snapshot.starts_at
    offset = due_offset(offsets=meeting.reminder_offsets, first_start=first_start, now=now)
    if offset is None:
        return 0
    moment = first_start - timedelta(minutes=offset)
    answers = [Invitation.Answer.YES]
    if meeting.answer_deadline is None or meeting.answer_deadline > now:
        answers += PLEASE_ANSWER_ANSWERS
    reminded = ReminderSent.objects.filter(
        invitation=OuterRef("pk"), offset_minutes=offset, first_starts_at=first_start
    )
    invitations = list(
        Invitation.objects.select_related("member")
        .filter(
            meeting_id=meeting.pk,
            withdrawn_at__isnull=True,
            invitation_sent_at__isnull=False,
            invitation_sent_at__lte=moment,
            answer__in=answers,
        )
        .filter(~Exists(reminded))
        .order_by("pk")[:SEND_BATCH_SIZE]
    )
    if not invitations:
        return 0
    for invitation in invitations:
        invitation.meeting = meeting
    secrets = issue_answer_links(invitations=invitations)
    messages = [
        reminder_message(
            invitation=invitation,
            answer_url=answer_url(secrets[invitation.pk]),
            snapshot=snapshot,
            now=now,
        )
        for invitation in invitations
    ]
    ReminderSent.objects.bulk_create(
        [
            ReminderSent(invitation=i, offset_minutes=offset, first_starts_at=first_start)
            for i in invitations
        ]
    )
    queue_messages(messages=messages, kind=Kind.REMINDER, topic=f"meeting:{meeting.pk}")
    log.info(
        "Wrote %d reminders (%d min before %s) of meeting %s",
        len(messages),
        offset,
        first_start.isoformat(),
        meeting.pk,
    )
    return len(messages)


def reminder_message(
    *,
    invitation: Invitation,
    answer_url: str,
    snapshot: MeetingSnapshot,
    now: datetime,
    language: str | None = None,
) -> CalendarEmail:
    """The reminder to one invitee, in their language (Member.language): "see you soon" for
    an acceptance, "please answer" otherwise. Like the invitation it carries the first
    session's METHOD:REQUEST file (its UID, the meeting's SEQUENCE, the invitee's current
    PARTSTAT), so a calendar that missed the invitation gets it now and the answer buttons
    work too; it changes nothing a calendar holds, so it is no newer than the last invitation
    or update but by its DTSTAMP (RFC 5546 §2.1.5)."""
    language = language or invitation.member.language or settings.LANGUAGE_CODE
    kind = ATTENDING if invitation.answer == Invitation.Answer.YES else PLEASE_ANSWER
    first = snapshot.sessions[0]
    with override(language):
        bodies = calendar_bodies(
            snapshot,
            kind=kind,
            invitation=invitation,
            session=None,
            extra=lambda: {
                "starts_in": timeuntil(snapshot.starts_at, now, depth=1),
                "first_start": format_moment(snapshot.starts_at, snapshot.time_zone),
            },
            key=(now,),
        )
        calendar = build_request(meeting=snapshot, session=first, invitations=[invitation])
    return calendar_email(invitation, language, bodies, calendar, "REQUEST", answer_url)
