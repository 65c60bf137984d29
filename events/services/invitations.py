"""Invitations: inviting. Answers and representatives are answers.py, the answer links
answer_links.py; sending the invitation emails is sending.py; the waiting list waitlist.py."""

import logging
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.batches import IN_LIST, batched
from members.models import Member, User
from members.newcomers import NewMember, create_members_for_invitation

from ..models import Invitation, Meeting
from .counts import refresh_invited_counts
from .sending import MeetingNotPublished, send_invitations

log = logging.getLogger(__name__)

# --- Invitations and answers ---------------------------------------------------------------


class AnswerClosed(Exception):
    """The meeting no longer takes answers (deadline passed, cancelled or finished)."""

    message = _("This meeting no longer accepts answers.")

    def __init__(self, deadline=None):
        super().__init__(deadline)
        self.deadline = deadline


@transaction.atomic
def invite_members(
    *,
    meeting: Meeting,
    members: Iterable[Member],
    role: str = Invitation.Role.PARTICIPANT,
    invited_by: User | None = None,
) -> list[Invitation]:
    """Invite each member once: someone already invited keeps their invitation and answer;
    a withdrawn invitation is renewed. Whoever asked Rakor to stop processing their data
    (personal_data: a stop or erasure carried out) is left out."""
    from personal_data.services.rights import processing_stopped

    by_pk = {member.pk: member for member in members}
    stopped = processing_stopped(list(by_pk))
    if stopped:
        log.info("Not invited to meeting %s, processing stopped: members %s", meeting.pk, stopped)
        by_pk = {pk: member for pk, member in by_pk.items() if pk not in stopped}
    existing = {
        invitation.member_id: invitation
        for batch in batched(list(by_pk), IN_LIST)
        for invitation in meeting.invitations.filter(member_id__in=batch)
    }
    renewed = [inv for inv in existing.values() if inv.withdrawn_at is not None]
    for invitation in renewed:
        invitation.withdrawn_at = None
        invitation.answer = Invitation.Answer.PENDING
        invitation.invitation_sent_at = None
    Invitation.objects.bulk_update(
        renewed, ["withdrawn_at", "answer", "invitation_sent_at"], batch_size=IN_LIST // 10
    )
    created = Invitation.objects.bulk_create(
        [
            Invitation(meeting=meeting, member=member, role=role, invited_by=invited_by)
            for pk, member in by_pk.items()
            if pk not in existing
        ]
    )
    if created or renewed:
        refresh_invited_counts(meeting_ids=[meeting.pk])
    return created + renewed


def check_open(meeting: Meeting, now) -> None:
    if meeting.state != Meeting.State.PUBLISHED or (
        meeting.answer_deadline and meeting.answer_deadline < now
    ):
        raise AnswerClosed(meeting.answer_deadline)


def answers_open(*, meeting: Meeting, now=None) -> bool:
    """Whether the invitees may still answer: what the answer page asks before it offers the
    buttons that answer_invitation would refuse."""
    try:
        check_open(meeting, now or timezone.now())
    except AnswerClosed:
        return False
    return True


@transaction.atomic
def invite_and_send(
    *,
    meeting: Meeting,
    members: Iterable[Member],
    role: str = Invitation.Role.PARTICIPANT,
    invited_by: User | None = None,
    new_members: Sequence[NewMember] = (),
) -> int:
    """Invite `members` and send the new invitations, all or nothing (the inviting page).

    `new_members` are pasted addresses that matched no member: they become members (see
    members.newcomers.create_members_for_invitation, which raises NewMembersInvalid) and are
    invited with the others, in the same transaction.

    Only a published meeting: a draft, cancelled or finished one raises MeetingNotPublished and
    nothing is written (publishing does not send, so a draft's invitations would never go out).
    The meeting row is locked so it cannot be cancelled between the check and the sending.
    Someone already invited keeps their invitation, role and answer and gets no second email; a
    withdrawn invitation is renewed and sent again. Returns how many emails are being sent (the
    Celery batches start when the transaction commits).
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state != Meeting.State.PUBLISHED:
        raise MeetingNotPublished
    members = [*members, *create_members_for_invitation(people=new_members)]
    invitations = invite_members(meeting=meeting, members=members, role=role, invited_by=invited_by)
    return send_invitations(meeting=meeting, invitations=invitations, sent_by=invited_by)
