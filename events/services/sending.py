"""Sending invitation emails: owed in the asking transaction, built by Celery in batches after
it commits, each batch writing its emails into the outbox."""

import logging
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.batches import batched
from core.db import lock_for_share
from members.models import User
from outbox.models import Kind
from outbox.services import Work, owe, queue_messages

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
SEND_BATCH_TASK = "events.tasks.send_invitations_batch"


def send_invitations(
    *, meeting: Meeting, invitations: Iterable[Invitation], sent_by: User | None = None
) -> int:
    """Send the invitation email to each of `invitations` that has not had it yet.

    Only a published meeting sends. The work is split into batches of SEND_BATCH_SIZE, each
    built by a Celery task after the caller's transaction commits (see send_invitation_batch),
    so inviting 5,000 people is one quick request. The emails are recorded as owed in the
    caller's transaction (outbox.services.owe), so a broker that is down at commit fails
    nothing and only delays them until the sweeper hands them over again. Returns how many
    invitations were handed over; a repeated call hands over only those still unsent, and a
    repeated task skips what another already sent. `sent_by` is the organizer who pressed
    send (for the log).
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
    work = [
        Work(task=SEND_BATCH_TASK, args=[meeting.pk, batch], count=len(batch))
        for batch in batched(ids, SEND_BATCH_SIZE)
    ]
    log.info(
        "Sending %d invitations of meeting %s in %d batches (by %s)",
        len(ids),
        meeting.pk,
        len(work),
        sent_by,
    )
    owe(kind=Kind.INVITATION, topic=f"meeting:{meeting.pk}", work=work)
    return len(ids)


@transaction.atomic
def send_invitation_batch(*, meeting_id: int, invitation_ids: Sequence[int]) -> int:
    """Write the invitation emails of one batch to the outbox (one per session, see
    events.mail), each invitation's with a new answer link, in the member's language (Rakor's
    language: members have none of their own yet).

    The invitations are locked and re-checked, and marked sent in the same transaction as
    their outbox rows, so two runs of the same batch write each email once. Whoever has
    checked in meanwhile (a walk-in accepted at the door whose withdrawn invitation's email was
    still owed) gets none: they are there. A fixed number of queries per batch: the meeting
    (snapshot), the invitations and whom they represent, the links, the outbox rows and the
    mark, which also records the SEQUENCE they were told (see Invitation.calendar_sequence).
    Returns how many emails it wrote.

    On PostgreSQL the meeting is held (FOR SHARE) while the emails are written, so a change of
    its time or place (update_meeting locks it FOR UPDATE) is never half-told: a batch that
    waited for a change writes the changed details, and a change that waited for a batch finds
    its people sent and sends them the update.
    """
    lock_for_share(Meeting, meeting_id)
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
            checkins__isnull=True,
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
