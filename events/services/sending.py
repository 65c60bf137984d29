"""Sending invitation emails: handing them to Celery in batches after the asking transaction
commits, building each batch's emails into the outbox, and handing over again (from beat)
those a lost broker left owed."""

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import User
from outbox.models import Kind
from outbox.services import queue_messages

from ..mail import invitation_messages
from ..models import Invitation, Meeting
from ..snapshot import MeetingSnapshot
from .answer_links import answer_url, issue_answer_links
from .letters import letter_attachments

log = logging.getLogger(__name__)


class MeetingNotPublished(Exception):
    """Invitations are sent for published meetings only."""

    message = _("Publish the meeting before sending its invitations.")


# Invitation emails are built in Celery batches of this size: small enough for one short
# transaction, a worker process's memory (each of 200 emails built at once cost it 10 MB more
# than 50) and sending to start soon after the first batch; large enough to share one
# MeetingSnapshot widely.
SEND_BATCH_SIZE = 50

# How long an owed invitation email is left to the batch handed to Celery before the sweeper
# hands it over again: longer than a big send's queue takes to drain (a repeated batch skips
# whoever has it already, but it waits in the queue behind the real work).
SEND_GRACE = timedelta(minutes=10)


def send_invitations(
    *, meeting: Meeting, invitations: Iterable[Invitation], sent_by: User | None = None
) -> int:
    """Send the invitation email to each of `invitations` that has not had it yet.

    Only a published meeting sends. The work is split into batches of SEND_BATCH_SIZE, each
    built by a Celery task after the caller's transaction commits (see send_invitation_batch),
    so inviting 5,000 people is one quick request. The emails are recorded as owed in the
    caller's transaction (invitation_queued_at), so a broker that is down at commit fails
    nothing and only delays them until sweep_unsent_invitations hands them over again. Returns
    how many invitations were handed over; a repeated call hands over only those still unsent,
    and a repeated task skips what another already sent. `sent_by` is the organizer who
    pressed send (for the log).
    """
    if meeting.state != Meeting.State.PUBLISHED:
        raise MeetingNotPublished
    ids = sorted(
        Invitation.objects.filter(
            meeting=meeting,
            pk__in=[invitation.pk for invitation in invitations],
            invitation_sent_at__isnull=True,
            withdrawn_at__isnull=True,
        ).values_list("pk", flat=True)
    )
    if not ids:
        return 0
    Invitation.objects.filter(pk__in=ids).update(invitation_queued_at=timezone.now())
    log.info(
        "Sending %d invitations of meeting %s in %d batches (by %s)",
        len(ids),
        meeting.pk,
        len(batches(ids)),
        sent_by,
    )
    # robust: a broker that is down must not fail the committed change (a registration, the
    # organizer's inviting); the sweeper hands the owed emails over later.
    transaction.on_commit(lambda: _hand_over_all(meeting_id=meeting.pk, ids=ids), robust=True)
    return len(ids)


def sweep_unsent_invitations() -> int:
    """Hand Celery again the invitation emails still owed (from beat): those asked for more
    than SEND_GRACE ago whose invitation is neither sent nor withdrawn, because the broker was
    down at commit or the process died before handing them over. Each is handed over again at
    most once per SEND_GRACE (its invitation_queued_at is moved on), and the batch writes it at
    most once, whatever the number of runs: it locks the invitations and skips those sent. The
    owed emails of a meeting no longer published are dropped, since their batches would write
    nothing. Three queries at most; returns how many batches were handed over."""
    now = timezone.now()
    owed = list(
        Invitation.objects.filter(
            invitation_queued_at__lt=now - SEND_GRACE,
            invitation_sent_at__isnull=True,
            withdrawn_at__isnull=True,
        )
        .order_by("meeting_id", "pk")
        .values_list("pk", "meeting_id", "meeting__state")
    )
    dropped = [pk for pk, _meeting, state in owed if state != Meeting.State.PUBLISHED]
    if dropped:
        Invitation.objects.filter(pk__in=dropped).update(invitation_queued_at=None)
    by_meeting = defaultdict(list)
    for pk, meeting_id, state in owed:
        if state == Meeting.State.PUBLISHED:
            by_meeting[meeting_id].append(pk)
    handed, handed_batches = [], 0
    try:
        for meeting_id, ids in by_meeting.items():
            log.warning("Handing over again %d invitations of meeting %s", len(ids), meeting_id)
            for batch in batches(ids):  # one at a time: those handed before a failure count
                _hand_over(meeting_id=meeting_id, batch=batch)
                handed += batch
                handed_batches += 1
    except Exception:  # the broker is still down: the next sweep tries again
        log.exception("Could not hand over the invitations still owed")
    if handed:
        # The next sweep leaves them to these batches for another SEND_GRACE.
        Invitation.objects.filter(pk__in=handed, invitation_sent_at__isnull=True).update(
            invitation_queued_at=now
        )
    return handed_batches


def _hand_over_all(*, meeting_id: int, ids: Sequence[int]) -> None:
    for batch in batches(ids):
        _hand_over(meeting_id=meeting_id, batch=batch)


def _hand_over(*, meeting_id: int, batch: list[int]) -> None:
    from ..tasks import send_invitations_batch

    send_invitations_batch.delay(meeting_id, batch)


def batches(ids: Sequence[int]) -> list[list[int]]:
    """`ids` in batches of SEND_BATCH_SIZE, as the Celery tasks that write emails take them."""
    return [list(ids[i : i + SEND_BATCH_SIZE]) for i in range(0, len(ids), SEND_BATCH_SIZE)]


@transaction.atomic
def send_invitation_batch(*, meeting_id: int, invitation_ids: Sequence[int]) -> int:
    """Write the invitation emails of one batch to the outbox (one per session, see
    events.mail), each invitation's with a new answer link, in the member's language (Rakor's
    language: members have none of their own yet).

    The invitations are locked and re-checked, and marked sent in the same transaction as
    their outbox rows, so two runs of the same batch write each email once. A fixed number of
    queries per batch: the meeting (snapshot), the invitations and whom they represent, the
    links, the outbox rows and the mark, which also records the SEQUENCE they were told (see
    Invitation.calendar_sequence). Returns how many emails it wrote.

    On PostgreSQL the meeting is held (FOR SHARE) while the emails are written, so a change of
    its time or place (update_meeting locks it FOR UPDATE) is never half-told: a batch that
    waited for a change writes the changed details, and a change that waited for a batch finds
    its people sent and sends them the update.
    """
    _hold(meeting_id)
    meeting = (
        Meeting.objects.select_related("host_agency", "letter")
        .prefetch_related("sessions", "agenda_items")
        .filter(pk=meeting_id, state=Meeting.State.PUBLISHED)
        .first()
    )
    if meeting is None:
        return 0
    invitations = list(
        Invitation.objects.select_for_update(of=("self",))
        .select_related("member__agency", "represented_by__member")
        .prefetch_related("represents__member__agency")
        .filter(
            meeting_id=meeting_id,
            pk__in=invitation_ids,
            invitation_sent_at__isnull=True,
            withdrawn_at__isnull=True,
        )
        .order_by("pk")
    )
    if not invitations:
        return 0
    for invitation in invitations:
        invitation.meeting = meeting  # no query per message for the meeting
    snapshot = MeetingSnapshot.of(meeting)
    secrets = issue_answer_links(invitations=invitations)
    language = settings.LANGUAGE_CODE
    stamp = timezone.now()
    messages = [
        message
        for invitation in invitations
        for message in invitation_messages(
            invitation=invitation,
            answer_url=answer_url(secrets[invitation.pk]),
            language=language,
            snapshot=snapshot,
            stamp=stamp,
        )
    ]
    queue_messages(
        messages=messages,
        kind=Kind.INVITATION,
        topic=f"meeting:{meeting_id}",
        attachments=letter_attachments(meeting),  # the final surat undangan, stored once
    )
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(
        invitation_sent_at=stamp, calendar_sequence=meeting.sequence
    )
    return len(messages)


def _hold(meeting_id: int) -> None:
    # Django's select_for_update has no FOR SHARE, which batches of one meeting can take at once.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM events_meeting WHERE id = %s FOR SHARE", [meeting_id])
