"""Invitations and answers: inviting, answers, representatives, the waiting list. The answer
links are answer_links.py; sending the invitation emails is sending.py."""

import logging
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member, User
from members.services import NewMember, create_members_for_invitation
from outbox.models import Kind
from outbox.services import queue_messages

from ..calendar import MeetingSnapshot
from ..mail import update_message
from ..models import Invitation, Meeting
from .answer_links import answer_url, issue_answer_links
from .sending import MeetingNotPublished, send_invitation_batch, send_invitations

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
    a withdrawn invitation is renewed."""
    members = {member.pk: member for member in members}
    existing = {
        invitation.member_id: invitation
        for invitation in meeting.invitations.filter(member_id__in=members)
    }
    renewed = [inv for inv in existing.values() if inv.withdrawn_at is not None]
    for invitation in renewed:
        invitation.withdrawn_at = None
        invitation.answer = Invitation.Answer.PENDING
        invitation.invitation_sent_at = None
    Invitation.objects.bulk_update(renewed, ["withdrawn_at", "answer", "invitation_sent_at"])
    created = Invitation.objects.bulk_create(
        [
            Invitation(meeting=meeting, member=member, role=role, invited_by=invited_by)
            for pk, member in members.items()
            if pk not in existing
        ]
    )
    return created + renewed


class RepresentativeInvalid(Exception):
    """The representative cannot be the person they stand in for."""

    message = _("The representative must be someone else, with an email address of their own.")


@transaction.atomic
def answer_invitation(*, invitation: Invitation, answer: str, note: str = "") -> Invitation:
    """Record an answer until the deadline (AnswerClosed after it, or when the meeting is not
    published).

    Capacity: an acceptance over capacity goes to the waiting list (PARTSTAT TENTATIVE). When
    someone who held a seat answers otherwise, the seat goes at once to the first on the
    waiting list (earliest waitlisted_at), who is moved to "will attend" and told by email: no
    offer to accept, since they already said they would come. The row lock on the meeting
    makes concurrent answers take and free seats one at a time: no overbooking.
    """
    meeting = Meeting.objects.select_for_update().get(pk=invitation.meeting_id)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    now = timezone.now()
    _check_open(meeting, now)
    held_seat = invitation.answer == Invitation.Answer.YES
    full = meeting.capacity is not None and _seats_taken(meeting) >= meeting.capacity
    if answer == Invitation.Answer.YES and not held_seat and full:
        answer = Invitation.Answer.WAITLISTED
        invitation.waitlisted_at = invitation.waitlisted_at or now
    if answer not in (Invitation.Answer.WAITLISTED, Invitation.Answer.YES):
        invitation.waitlisted_at = None
    invitation.answer, invitation.note, invitation.answered_at = answer, note, now
    invitation.save(update_fields=["answer", "note", "answered_at", "waitlisted_at"])
    if held_seat and answer != Invitation.Answer.YES:
        promote_from_waitlist(meeting=meeting)
    return invitation


@transaction.atomic
def represent_invitation(
    *,
    invitation: Invitation,
    name: str,
    email: str,
    position: str = "",
    note: str = "",
) -> Invitation:
    """The invitee sends a representative ("Diwakilkan"); returns the representative's invitation.

    The representative is the member with that email (any case) or a new member in the
    original's agency; they get an invitation of their own, with the same role, and its email.
    The original is marked represented. A seat the original held passes to the representative
    (the waiting list does not move); otherwise the representative has not answered yet.
    """
    meeting = Meeting.objects.select_for_update().get(pk=invitation.meeting_id)
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("member")
        .get(pk=invitation.pk)
    )
    now = timezone.now()
    _check_open(meeting, now)
    email = email.strip()
    if not email or email.lower() == invitation.member.email.lower():
        raise RepresentativeInvalid
    member = Member.objects.filter(email__iexact=email).first()
    if member is None:
        member = Member.objects.create(
            full_name=name.strip(),
            email=email,
            position=position.strip(),
            agency_id=invitation.member.agency_id,
        )
    representative, _created = Invitation.objects.get_or_create(
        meeting=meeting,
        member=member,
        defaults={"role": invitation.role, "invited_by": invitation.invited_by},
    )
    if representative.withdrawn_at is not None:
        representative.withdrawn_at, representative.answer = None, Invitation.Answer.PENDING
        representative.invitation_sent_at = None
    took_seat = (
        invitation.answer == Invitation.Answer.YES
        and representative.answer != Invitation.Answer.YES
    )
    if took_seat:
        representative.answer, representative.answered_at = Invitation.Answer.YES, now
        representative.waitlisted_at = None
    representative.save()
    seat_freed = invitation.answer == Invitation.Answer.YES and not took_seat
    invitation.answer, invitation.note, invitation.answered_at = (
        Invitation.Answer.REPRESENTED,
        note,
        now,
    )
    invitation.represented_by, invitation.waitlisted_at = representative, None
    invitation.save(
        update_fields=["answer", "note", "answered_at", "represented_by", "waitlisted_at"]
    )
    if seat_freed:  # the representative already had a seat of their own
        promote_from_waitlist(meeting=meeting)
    if representative.invitation_sent_at is None:
        send_invitation_batch(meeting_id=meeting.pk, invitation_ids=[representative.pk])
    return representative


def promote_from_waitlist(*, meeting: Meeting) -> list[Invitation]:
    """Fill free seats from the waiting list, first come first served, and tell each person
    promoted by email. Call it inside the transaction that freed a seat, with the meeting row
    locked (answer_invitation does; so must withdrawing an invitation)."""
    if meeting.capacity is None:
        free = None
    else:
        free = meeting.capacity - _seats_taken(meeting)
        if free <= 0:
            return []
    waiting = meeting.invitations.filter(
        answer=Invitation.Answer.WAITLISTED, withdrawn_at__isnull=True
    ).order_by("waitlisted_at", "pk")
    promoted = list(
        waiting.select_for_update(of=("self",)).select_related("member__agency")[:free]
        if free is not None
        else waiting.select_for_update(of=("self",)).select_related("member__agency")
    )
    if not promoted:
        return []
    now = timezone.now()
    for invitation in promoted:
        invitation.answer, invitation.answered_at, invitation.waitlisted_at = (
            Invitation.Answer.YES,
            now,
            None,
        )
    Invitation.objects.bulk_update(promoted, ["answer", "answered_at", "waitlisted_at"])
    snapshot = MeetingSnapshot.of(meeting)
    secrets = issue_answer_links(invitations=promoted)
    queue_messages(
        messages=[
            update_message(
                invitation=invitation,
                answer_url=answer_url(secrets[invitation.pk]),
                changes=[_("A seat became free: you are now registered as attending.")],
                language=settings.LANGUAGE_CODE,
                snapshot=snapshot,
            )
            for invitation in promoted
        ],
        kind=Kind.UPDATE,
        topic=f"meeting:{meeting.pk}",
    )
    return promoted


def _check_open(meeting: Meeting, now) -> None:
    if meeting.state != Meeting.State.PUBLISHED or (
        meeting.answer_deadline and meeting.answer_deadline < now
    ):
        raise AnswerClosed(meeting.answer_deadline)


def _seats_taken(meeting: Meeting) -> int:
    return meeting.invitations.filter(
        answer=Invitation.Answer.YES, withdrawn_at__isnull=True
    ).count()


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
    members.services.create_members_for_invitation, which raises NewMembersInvalid) and are
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
