"""Changes, cancellation and withdrawal of a meeting, as calendar updates (iTIP, RFC 5546)."""

import logging
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import override

from members.models import User
from outbox.models import Kind, OutboxMessage
from outbox.services import queue_messages

from ..calendar import MeetingSnapshot
from ..mail import cancellation_message, update_message, withdrawal_message
from ..models import Invitation, Meeting
from .invitations import SEND_BATCH_SIZE, answer_url, issue_answer_links, promote_from_waitlist

log = logging.getLogger(__name__)

# --- Changes, cancellation and withdrawal (iTIP, RFC 5546) -----------------------------------
# Whoever already has the meeting in their calendar (their invitation was sent and is not
# withdrawn, whatever they answered) is told of every change: a REQUEST with the same UID and
# the new SEQUENCE for a change of time or place (§3.2.2.1), a CANCEL with STATUS:CANCELLED when
# the meeting is cancelled (§3.2.5), and a CANCEL naming only them when their invitation is
# withdrawn. Those whose invitation is not sent yet get nothing now: their invitation, built
# later, already shows the meeting as it is. Fan-outs run in Celery batches after commit, like
# the invitations.


def _calendar_holders(meeting: Meeting) -> list[int]:
    """Ids of the invitations whose email went out and that are not withdrawn."""
    return sorted(
        Invitation.objects.filter(
            meeting=meeting, withdrawn_at__isnull=True, invitation_sent_at__isnull=False
        ).values_list("pk", flat=True)
    )


def _batches(ids: Sequence[int]) -> list[list[int]]:
    return [list(ids[i : i + SEND_BATCH_SIZE]) for i in range(0, len(ids), SEND_BATCH_SIZE)]


def send_meeting_update(*, meeting: Meeting, changes: Sequence) -> int:
    """Tell everyone who holds the meeting in their calendar that its time or place changed.

    RFC 5546 §3.2.2.1: the organizer re-sends METHOD:REQUEST with the same UID and the raised
    SEQUENCE (update_meeting has raised it) to every attendee still invited, whatever they
    answered; each email says in words what changed and carries a fresh answer link. Call it
    inside the transaction that saved the change: the batches (SEND_BATCH_SIZE) are handed to
    Celery after commit, so a big meeting is still one quick request. Returns how many emails
    were handed over (0 for a meeting that is not published).
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

    def enqueue():
        from ..tasks import send_update_batch

        for batch in _batches(ids):
            send_update_batch.delay(meeting.pk, batch, texts, since)

    transaction.on_commit(enqueue)
    return len(ids)


def send_cancellation(*, meeting: Meeting) -> int:
    """Tell everyone who holds the meeting in their calendar that it is cancelled.

    RFC 5546 §3.2.5: METHOD:CANCEL with the same UID, the raised SEQUENCE (cancel_meeting has
    raised it) and STATUS:CANCELLED, to every attendee still invited. Batched through Celery
    after commit like send_meeting_update. Returns how many emails were handed over.
    """
    if meeting.state != Meeting.State.CANCELLED:
        return 0
    ids = _calendar_holders(meeting)
    since = meeting.updated_at.isoformat()
    log.info("Sending the cancellation of meeting %s to %d", meeting.pk, len(ids))

    def enqueue():
        from ..tasks import send_cancellation_batch

        for batch in _batches(ids):
            send_cancellation_batch.delay(meeting.pk, batch, since)

    transaction.on_commit(enqueue)
    return len(ids)


def send_update_batch(
    *, meeting_id: int, invitation_ids: Sequence[int], changes: Sequence[str], since: str
) -> int:
    """Write the update emails (METHOD:REQUEST, the meeting as it is now) of one batch to the
    outbox. `since` is when the change was saved: a repeated run skips those who already have
    an update written after it. Returns how many emails it wrote."""
    return _send_change_batch(
        meeting_id=meeting_id,
        invitation_ids=invitation_ids,
        kind=Kind.UPDATE,
        state=Meeting.State.PUBLISHED,
        since=since,
        build=lambda invitation, snapshot, url: update_message(
            invitation=invitation,
            answer_url=url,
            changes=changes,
            language=settings.LANGUAGE_CODE,
            snapshot=snapshot,
        ),
    )


def send_cancellation_batch(*, meeting_id: int, invitation_ids: Sequence[int], since: str) -> int:
    """Write the cancellation emails (METHOD:CANCEL, STATUS:CANCELLED) of one batch to the
    outbox; a repeated run writes nothing twice. Returns how many emails it wrote."""
    return _send_change_batch(
        meeting_id=meeting_id,
        invitation_ids=invitation_ids,
        kind=Kind.CANCELLATION,
        state=Meeting.State.CANCELLED,
        since=since,
        build=lambda invitation, snapshot, url: cancellation_message(
            invitation=invitation, language=settings.LANGUAGE_CODE, snapshot=snapshot
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
        .select_related("host_agency")
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
    done = set(
        OutboxMessage.objects.filter(
            kind=kind,
            topic=topic,
            created_at__gte=datetime.fromisoformat(since),
            recipient__in=[invitation.member.email for invitation in invitations],
        ).values_list("recipient", flat=True)
    )
    invitations = [i for i in invitations if i.member.email not in done]
    if not invitations:
        return 0
    for invitation in invitations:
        invitation.meeting = meeting
    snapshot = MeetingSnapshot.of(meeting)
    secrets = issue_answer_links(invitations=invitations) if kind == Kind.UPDATE else {}
    messages = [
        build(
            invitation,
            snapshot,
            answer_url(secrets[invitation.pk]) if invitation.pk in secrets else "",
        )
        for invitation in invitations
    ]
    queue_messages(messages=messages, kind=kind, topic=topic)
    return len(messages)


@transaction.atomic
def withdraw_invitation(*, invitation: Invitation, withdrawn_by: User | None) -> Invitation:
    """Withdraw one invitation: its answer links stop working, and the person, if their
    invitation was sent, gets METHOD:CANCEL naming only them (RFC 5546 §3.2.5: removing an
    attendee; no STATUS:CANCELLED, since the meeting itself goes on, and no new SEQUENCE, so
    the others' calendar entries stay current). A seat they held goes to the waiting list.
    Withdrawing again does nothing."""
    meeting = Meeting.objects.select_for_update().get(pk=invitation.meeting_id)
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("member__agency", "represented_by__member")
        .get(pk=invitation.pk)
    )
    if invitation.withdrawn_at is not None:
        return invitation
    held_seat = invitation.answer == Invitation.Answer.YES
    invitation.withdrawn_at, invitation.waitlisted_at = timezone.now(), None
    invitation.save(update_fields=["withdrawn_at", "waitlisted_at"])
    log.info("Invitation %s of meeting %s withdrawn by %s", invitation.pk, meeting.pk, withdrawn_by)
    if meeting.state != Meeting.State.PUBLISHED:
        return invitation
    if invitation.invitation_sent_at is not None:
        invitation.meeting = meeting
        queue_messages(
            messages=[withdrawal_message(invitation=invitation, language=settings.LANGUAGE_CODE)],
            kind=Kind.CANCELLATION,
            topic=f"meeting:{meeting.pk}",
        )
    if held_seat:
        promote_from_waitlist(meeting=meeting)
    return invitation
