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
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import override

from members.models import User
from outbox.models import Kind, OutboxMessage
from outbox.services import queue_messages

from ..mail import cancellation_messages, update_messages, withdrawal_messages
from ..models import Invitation, Meeting, PendingCalendarFanout
from ..snapshot import MeetingSnapshot
from .answer_links import answer_url, issue_answer_links
from .letters import letter_attachments
from .sending import batches
from .waitlist import has_open_offer, seat_freed

log = logging.getLogger(__name__)

# --- Changes, cancellation and withdrawal (iTIP, RFC 5546) -----------------------------------
# Whoever already has the meeting in their calendar (their invitation was sent and is not
# withdrawn, whatever they answered) is told of every change: a REQUEST with the same UID and
# the new SEQUENCE for a change of time or place (§3.2.2.1), a CANCEL with STATUS:CANCELLED when
# the meeting is cancelled (§3.2.5), and a CANCEL naming only them when their invitation is
# withdrawn. Those whose invitation is not sent yet get nothing now: their invitation, built
# later, already shows the meeting as it is. Fan-outs run in Celery batches after commit, like
# the invitations; a PendingCalendarFanout written with the change records that one is owed
# until every holder has the email, so a broker that is down at commit only delays it.

# How long an owed fan-out is left to the batches handed over at commit before the sweeper
# hands them over again (they skip whoever already has the email, so a slow worker costs
# nothing but a repeated check).
FANOUT_GRACE = timedelta(minutes=2)

_STATE_OF_KIND = {
    PendingCalendarFanout.Kind.UPDATE: Meeting.State.PUBLISHED,
    PendingCalendarFanout.Kind.CANCELLATION: Meeting.State.CANCELLED,
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
    `since`: a batch skips them, and an owed fan-out is settled once it covers every holder."""
    return set(
        OutboxMessage.objects.filter(
            kind=kind, topic=f"meeting:{meeting_id}", created_at__gte=since, recipient__in=emails
        ).values_list("recipient", flat=True)
    )


def _owe_fanout(*, meeting: Meeting, kind: str, changes: Sequence[str] = ()) -> None:
    """Record, in the change's transaction, that its fan-out is owed. One query: an upsert on
    the meeting, so a newer change replaces an older fan-out that is still owed (its email
    carries the meeting as it is now, with the newest SEQUENCE; see PendingCalendarFanout)."""
    PendingCalendarFanout.objects.bulk_create(
        [
            PendingCalendarFanout(
                meeting=meeting,
                kind=kind,
                sequence=meeting.sequence,
                changes=list(changes),
                since=meeting.updated_at,
            )
        ],
        update_conflicts=True,
        unique_fields=["meeting"],
        update_fields=["kind", "sequence", "changes", "since", "created_at"],
    )


def _hand_over(
    *, kind: str, meeting_id: int, ids: Sequence[int], changes: Sequence[str], since: str
):
    from ..tasks import send_cancellation_batch, send_update_batch

    for batch in batches(ids):
        if kind == PendingCalendarFanout.Kind.UPDATE:
            send_update_batch.delay(meeting_id, batch, list(changes), since)
        else:
            send_cancellation_batch.delay(meeting_id, batch, since)


def send_meeting_update(*, meeting: Meeting, changes: Sequence) -> int:
    """Tell everyone who holds the meeting in their calendar that its time or place changed.

    RFC 5546 §3.2.2.1: the organizer re-sends METHOD:REQUEST with the same UID and the raised
    SEQUENCE (update_meeting has raised it) to every attendee still invited, whatever they
    answered; each email says in words what changed and carries a fresh answer link. Call it
    inside the transaction that saved the change: the batches (SEND_BATCH_SIZE) are handed to
    Celery after commit, so a big meeting is still one quick request; the fan-out is recorded
    as owed in the same transaction, so a broker that is down then only delays it (see
    sweep_pending_fanouts). Returns how many emails were handed over (0 for a meeting that is
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
        _owe_fanout(meeting=meeting, kind=PendingCalendarFanout.Kind.UPDATE, changes=texts)
        # robust: a broker that is down must not fail the organizer's saved change; the owed
        # fan-out is handed over again by sweep_pending_fanouts.
        transaction.on_commit(
            lambda: _hand_over(
                kind=PendingCalendarFanout.Kind.UPDATE,
                meeting_id=meeting.pk,
                ids=ids,
                changes=texts,
                since=since,
            ),
            robust=True,
        )
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
        _owe_fanout(meeting=meeting, kind=PendingCalendarFanout.Kind.CANCELLATION)
        transaction.on_commit(
            lambda: _hand_over(
                kind=PendingCalendarFanout.Kind.CANCELLATION,
                meeting_id=meeting.pk,
                ids=ids,
                changes=(),
                since=since,
            ),
            robust=True,
        )
    return len(ids)


def sweep_pending_fanouts() -> int:
    """Settle the calendar fan-outs still owed (from beat). One whose every holder has the
    email is deleted; one older than FANOUT_GRACE that still owes someone has the batches of
    those people handed to Celery again: the broker was down at commit, or the process died
    before handing them over. Holders are those who held the meeting when it changed (their
    invitation went out before `since` and is not withdrawn); whoever was invited later got an
    invitation that already shows the change. A fan-out whose meeting has since moved on (an
    update of a meeting now finished) is dropped, as its batches would write nothing. Safe to
    run twice: the batches skip whoever already has the email. Returns how many batches it
    handed over."""
    cutoff = timezone.now() - FANOUT_GRACE
    handed = 0
    for fanout in PendingCalendarFanout.objects.select_related("meeting").order_by("pk"):
        owed = _still_owed(fanout)
        if owed and fanout.created_at < cutoff:
            log.warning(
                "Handing over again the %s of meeting %s (SEQUENCE %s) to %d",
                fanout.kind,
                fanout.meeting_id,
                fanout.sequence,
                len(owed),
            )
            try:
                _hand_over(
                    kind=fanout.kind,
                    meeting_id=fanout.meeting_id,
                    ids=owed,
                    changes=fanout.changes,
                    since=fanout.since.isoformat(),
                )
            except Exception:  # the broker is still down: the next sweep tries again
                log.exception(
                    "Could not hand over the %s of meeting %s", fanout.kind, fanout.meeting_id
                )
                continue
            handed += len(batches(owed))
            owed = _still_owed(fanout)  # an eager or quick worker may have written them all
        if not owed:
            # Only this change's record: a newer change may have replaced it meanwhile.
            PendingCalendarFanout.objects.filter(pk=fanout.pk, sequence=fanout.sequence).delete()
    return handed


def _still_owed(fanout: PendingCalendarFanout) -> list[int]:
    """Ids of the invitations that held the meeting at `fanout.since` and do not have its email
    yet, decided as the batches decide (_already_told); none once the meeting moved on."""
    if fanout.meeting.state != _STATE_OF_KIND[fanout.kind]:
        return []
    holders = dict(
        Invitation.objects.filter(
            meeting_id=fanout.meeting_id,
            withdrawn_at__isnull=True,
            invitation_sent_at__lt=fanout.since,
        ).values_list("pk", "member__email")
    )
    told = _already_told(
        meeting_id=fanout.meeting_id, kind=fanout.kind, since=fanout.since, emails=holders.values()
    )
    return sorted(pk for pk, email in holders.items() if email not in told)


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
        build=lambda invitation, snapshot, url: cancellation_messages(
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
