"""Changes, cancellation and withdrawal of a meeting, as calendar updates (iTIP, RFC 5546).

Each session is an event of its own in calendars (events.calendar), and every calendar message
carries the meeting's SEQUENCE as it is then. A person's `calendar_sequence` is the SEQUENCE of
the last message that changed what their calendar holds; a session's `sequence` is that of its
own last change. So an update tells each person exactly the sessions changed since they were
last told (moved, added, or all of them when the place changed) and cancels those removed
since, and every message a person gets is newer than the one before it (RFC 5546 §2.1.4).
"""

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import override

from core.batches import batched
from members.models import User
from outbox.models import Kind, OutboxMessage
from outbox.services import Work, forget, owe, queue_messages

from ..mail import cancellation_messages, update_messages, withdrawal_messages
from ..models import Invitation, Meeting
from ..snapshot import MeetingSnapshot
from .answer_links import answer_url, issue_answer_links
from .counts import refresh_invited_counts
from .letters import letter_attachments
from .sending import SEND_BATCH_SIZE
from .waitlist import has_open_offer, seat_freed

log = logging.getLogger(__name__)

# --- Changes, cancellation and withdrawal (iTIP, RFC 5546) -----------------------------------
# Whoever already has the meeting in their calendar (their invitation was sent and is not
# withdrawn, whatever they answered) is told of every change: a REQUEST with the same UID and
# the new SEQUENCE for a change of time or place (§3.2.2.1), a CANCEL with STATUS:CANCELLED when
# the meeting is cancelled (§3.2.5), and a CANCEL naming only them when their invitation is
# withdrawn. Those whose invitation is not sent yet get nothing now: their invitation, built
# later, already shows the meeting as it is. Fan-outs run in Celery batches after commit, like
# the invitations, owed in the change's transaction (outbox.services.owe), so a broker that is
# down at commit only delays them. A newer change replaces what an older one still owes: its
# email carries the meeting as it is now, with the newest SEQUENCE.

_BATCH_TASKS: dict[str, str] = {
    Kind.UPDATE: "events.tasks.send_update_batch",
    Kind.CANCELLATION: "events.tasks.send_cancellation_batch",
}


def _calendar_holders(meeting: Meeting) -> list[int]:
    """Ids of the invitations whose email went out and that are not withdrawn."""
    return sorted(
        Invitation.objects.filter(
            meeting=meeting, withdrawn_at__isnull=True, invitation_sent_at__isnull=False
        ).values_list("pk", flat=True)
    )


def _already_told(
    *, meeting_id: int, kind: str, since: datetime, emails: Iterable[str]
) -> set[str]:
    """Which of `emails` already have an email of this kind about the meeting written since
    `since`: a batch skips them."""
    return set(
        OutboxMessage.objects.filter(
            kind=kind, topic=f"meeting:{meeting_id}", created_at__gte=since, recipient__in=emails
        ).values_list("recipient", flat=True)
    )


def _owe_fanout(*, meeting: Meeting, kind: str, ids: Sequence[int], args: Sequence) -> None:
    """Record, in the change's transaction, the fan-out's batches as owed mail (handed to
    Celery after commit), in place of what an older change still owes. Each batch task takes
    the meeting, its invitations, then `args`."""
    topic = f"meeting:{meeting.pk}"
    forget(topic=topic, kinds=list(_BATCH_TASKS))
    work = [
        Work(task=_BATCH_TASKS[kind], args=[meeting.pk, batch, *args], count=len(batch))
        for batch in batched(ids, SEND_BATCH_SIZE)
    ]
    owe(kind=kind, topic=topic, work=work)


def send_meeting_update(*, meeting: Meeting, changes: Sequence) -> int:
    """Tell everyone who holds the meeting in their calendar that its time or place changed.

    RFC 5546 §3.2.2.1: the organizer re-sends METHOD:REQUEST with the same UID and the raised
    SEQUENCE (update_meeting has raised it) to every attendee still invited, whatever they
    answered; each email says in words what changed and carries a fresh answer link. Call it
    inside the transaction that saved the change: the batches (SEND_BATCH_SIZE) are handed to
    Celery after commit, so a big meeting is still one quick request; the fan-out is recorded
    as owed in the same transaction, so a broker that is down then only delays it (see
    outbox.services.owed). Returns how many emails were handed over (0 for a meeting that is
    not published).
    """
    if meeting.state != Meeting.State.PUBLISHED:
        return 0
    with override(settings.LANGUAGE_CODE):  # a task takes plain text, not lazy translations
        texts = [str(change) for change in changes]
    ids = _calendar_holders(meeting)
    since = meeting.updated_at.isoformat()
    log.info(
        "Sending the update of meeting %s (SEQUENCE %s) to %d",
        meeting.pk,
        meeting.sequence,
        len(ids),
    )

    if ids:
        _owe_fanout(meeting=meeting, kind=Kind.UPDATE, ids=ids, args=[texts, since])
    return len(ids)


def send_cancellation(*, meeting: Meeting) -> int:
    """Tell everyone who holds the meeting in their calendar that it is cancelled.

    RFC 5546 §3.2.5: METHOD:CANCEL with the same UID, the raised SEQUENCE (cancel_meeting has
    raised it) and STATUS:CANCELLED, to every attendee still invited. Batched through Celery
    after commit, and recorded as owed, like send_meeting_update. Returns how many emails were
    handed over.
    """
    if meeting.state != Meeting.State.CANCELLED:
        return 0
    ids = _calendar_holders(meeting)
    since = meeting.updated_at.isoformat()
    log.info("Sending the cancellation of meeting %s to %d", meeting.pk, len(ids))

    if ids:
        _owe_fanout(meeting=meeting, kind=Kind.CANCELLATION, ids=ids, args=[since])
    return len(ids)


def send_update_batch(
    *, meeting_id: int, invitation_ids: Sequence[int], changes: Sequence[str], since: str
) -> int:
    """Write the update emails of one batch to the outbox: to each person, a METHOD:REQUEST
    per session changed since they were last told (the meeting as it is now) and a CANCEL per
    session removed since. `since` is when the change was saved: a repeated run skips those who
    already have an update written after it. Returns how many emails it wrote."""
    return _send_change_batch(
        meeting_id=meeting_id,
        invitation_ids=invitation_ids,
        kind=Kind.UPDATE,
        state=Meeting.State.PUBLISHED,
        since=since,
        build=lambda invitation, snapshot, url: update_messages(
            invitation=invitation,
            answer_url=url,
            changes=changes,
            # Someone told nothing new (which the sweeper's bookkeeping should not produce)
            # gets every session again rather than nothing, so the owed fan-out settles.
            sessions=snapshot.changed_since(invitation.calendar_sequence)
            or (() if snapshot.removed_since(invitation.calendar_sequence) else snapshot.sessions),
            removed=snapshot.removed_since(invitation.calendar_sequence),
            language=settings.LANGUAGE_CODE,
            snapshot=snapshot,
        ),
    )


def send_cancellation_batch(*, meeting_id: int, invitation_ids: Sequence[int], since: str) -> int:
    """Write the cancellation emails of one batch to the outbox (METHOD:CANCEL with
    STATUS:CANCELLED for every session, and for those removed since each person was last
    told); a repeated run writes nothing twice. Returns how many emails it wrote."""
    return _send_change_batch(
        meeting_id=meeting_id,
        invitation_ids=invitation_ids,
        kind=Kind.CANCELLATION,
        state=Meeting.State.CANCELLED,
        since=since,
        build=lambda invitation, snapshot, _url: cancellation_messages(
            invitation=invitation,
            removed=snapshot.removed_since(invitation.calendar_sequence),
            language=settings.LANGUAGE_CODE,
            snapshot=snapshot,
        ),
    )


@transaction.atomic
def _send_change_batch(
    *,
    meeting_id: int,
    invitation_ids: Sequence[int],
    kind: str,
    state: str,
    since: str,
    build,
) -> int:
    # The meeting row lock makes two runs of the same batch take turns; the second then sees
    # the rows the first wrote and skips their recipients.
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("host_agency", "letter")
        .prefetch_related("sessions", "agenda_items")
        .filter(pk=meeting_id, state=state)
        .first()
    )
    if meeting is None:
        return 0
    topic = f"meeting:{meeting_id}"
    invitations = list(
        Invitation.objects.select_related("member__agency", "represented_by__member")
        .filter(
            meeting_id=meeting_id,
            pk__in=invitation_ids,
            withdrawn_at__isnull=True,
            invitation_sent_at__isnull=False,
        )
        .order_by("pk")
    )
    done = _already_told(
        meeting_id=meeting_id,
        kind=kind,
        since=datetime.fromisoformat(since),
        emails=[invitation.member.email for invitation in invitations],
    )
    invitations = [i for i in invitations if i.member.email not in done]
    if not invitations:
        return 0
    for invitation in invitations:
        invitation.meeting = meeting
    snapshot = MeetingSnapshot.of(meeting)
    secrets = issue_answer_links(invitations=invitations) if kind == Kind.UPDATE else {}
    messages = [
        message
        for invitation in invitations
        for message in build(
            invitation,
            snapshot,
            answer_url(secrets[invitation.pk]) if invitation.pk in secrets else "",
        )
    ]
    # An update carries the newest surat undangan (the ralat of this change), stored once.
    attachments = letter_attachments(meeting) if kind == Kind.UPDATE else []
    queue_messages(messages=messages, kind=kind, topic=topic, attachments=attachments)
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(
        calendar_sequence=meeting.sequence
    )
    return len(messages)


@transaction.atomic
def withdraw_invitation(*, invitation: Invitation, withdrawn_by: User | None) -> Invitation:
    """Withdraw one invitation: its answer links stop working, and the person, if their
    invitation was sent, gets METHOD:CANCEL naming only them for every session (RFC 5546
    §3.2.5: removing an attendee; no STATUS:CANCELLED, since the meeting itself goes on). The
    CANCEL takes a new SEQUENCE, and the meeting moves one further still: whatever the person
    gets next (a new invitation, even at once) is newer than the CANCEL, so strict clients
    apply both; the others' calendars stay as they are and see a higher SEQUENCE next time.
    A seat they held, or were offered, is offered to the next person waiting. Withdrawing
    again does nothing."""
    meeting = Meeting.objects.select_for_update().get(pk=invitation.meeting_id)
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("member__agency", "represented_by__member")
        .get(pk=invitation.pk)
    )
    if invitation.withdrawn_at is not None:
        return invitation
    held_seat = invitation.answer == Invitation.Answer.YES
    has_offer = has_open_offer(invitation)
    invitation.withdrawn_at, invitation.waitlisted_at = timezone.now(), None
    invitation.save(update_fields=["withdrawn_at", "waitlisted_at"])
    refresh_invited_counts(meeting_ids=[meeting.pk])
    log.info("Invitation %s of meeting %s withdrawn by %s", invitation.pk, meeting.pk, withdrawn_by)
    if meeting.state != Meeting.State.PUBLISHED:
        return invitation
    if invitation.invitation_sent_at is not None:
        meeting.sequence += 1
        invitation.meeting = meeting
        snapshot = MeetingSnapshot.of(meeting)
        messages = withdrawal_messages(
            invitation=invitation,
            removed=snapshot.removed_since(invitation.calendar_sequence),
            language=settings.LANGUAGE_CODE,
            snapshot=snapshot,
        )
        invitation.calendar_sequence = meeting.sequence
        invitation.save(update_fields=["calendar_sequence"])
        meeting.sequence += 1
        meeting.save(update_fields=["sequence"])
        queue_messages(messages=messages, kind=Kind.CANCELLATION, topic=f"meeting:{meeting.pk}")
    if held_seat or has_offer:
        seat_freed(meeting=meeting)
    return invitation
