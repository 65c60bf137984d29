"""Invitations and answers: inviting, sending, answer links, answers, representatives,
the waiting list."""

import logging
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.secrets import hash_secret, new_secret
from members.models import Member, User
from members.services import NewMember, create_members_for_invitation
from outbox.models import Kind
from outbox.services import queue_messages

from ..calendar import MeetingSnapshot
from ..mail import invitation_message, update_message
from ..models import AnswerLink, Invitation, Meeting

log = logging.getLogger(__name__)

# --- Invitations and answers ---------------------------------------------------------------


class AnswerClosed(Exception):
    """The meeting no longer takes answers (deadline passed, cancelled or finished)."""

    message = _("This meeting no longer accepts answers.")

    def __init__(self, deadline=None):
        super().__init__(deadline)
        self.deadline = deadline


class MeetingNotPublished(Exception):
    """Invitations are sent for published meetings only."""

    message = _("Publish the meeting before sending its invitations.")


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


# Invitation emails are built in Celery batches of this size: small enough for one short
# transaction, a worker process's memory (each of 200 emails built at once cost it 10 MB more
# than 50) and sending to start soon after the first batch; large enough to share one
# MeetingSnapshot widely.
SEND_BATCH_SIZE = 50


def issue_answer_link(*, invitation: Invitation) -> str:
    """A new secret for one email; the caller puts it in the link. Only its hash is kept."""
    return issue_answer_links(invitations=[invitation])[invitation.pk]


def issue_answer_links(*, invitations: Sequence[Invitation]) -> dict[int, str]:
    """A new secret per invitation, written in one query: {invitation pk: secret}."""
    secrets = {invitation.pk: new_secret() for invitation in invitations}
    AnswerLink.objects.bulk_create(
        [
            AnswerLink(invitation_id=pk, secret_hash=hash_secret(secret))
            for pk, secret in secrets.items()
        ],
        batch_size=500,
    )
    return secrets


def answer_url(secret: str) -> str:
    """The absolute address of the answer page a secret opens, for emails."""
    return f"{settings.SITE_URL}{reverse('events:answer', args=[secret])}"


def invitation_for_secret(secret: str) -> Invitation | None:
    """The invitation a link opens, or None for a forged, mistyped or withdrawn one.

    The lookup is by the secret's hash, so its timing tells nothing about the secret.
    """
    if not secret or len(secret) > 100:
        return None
    link = (
        AnswerLink.objects.select_related(
            "invitation__meeting__host_agency",
            "invitation__member__agency",
            "invitation__represented_by__member",
        )
        .filter(secret_hash=hash_secret(secret), invitation__withdrawn_at__isnull=True)
        .first()
    )
    return link.invitation if link else None


def send_invitations(
    *, meeting: Meeting, invitations: Iterable[Invitation], sent_by: User | None = None
) -> int:
    """Send the invitation email to each of `invitations` that has not had it yet.

    Only a published meeting sends. The work is split into batches of SEND_BATCH_SIZE, each
    built by a Celery task after the caller's transaction commits (see send_invitation_batch),
    so inviting 5,000 people is one quick request. Returns how many invitations were handed
    over; a repeated call hands over only those still unsent, and a repeated task skips what
    another already sent. `sent_by` is the organizer who pressed send (for the log).
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
    batches = [ids[i : i + SEND_BATCH_SIZE] for i in range(0, len(ids), SEND_BATCH_SIZE)]
    log.info(
        "Sending %d invitations of meeting %s in %d batches (by %s)",
        len(ids),
        meeting.pk,
        len(batches),
        sent_by,
    )

    def enqueue():
        from ..tasks import send_invitations_batch

        for batch in batches:
            send_invitations_batch.delay(meeting.pk, batch)

    transaction.on_commit(enqueue)
    return len(ids)


@transaction.atomic
def send_invitation_batch(*, meeting_id: int, invitation_ids: Sequence[int]) -> int:
    """Write the invitation emails of one batch to the outbox, each with a new answer link,
    in the member's language (Rakor's language: members have none of their own yet).

    The invitations are locked and re-checked, and marked sent in the same transaction as
    their outbox rows, so two runs of the same batch write each email once. A fixed number of
    queries per batch: the meeting (snapshot), the invitations, the links, the outbox rows and
    the mark. Returns how many emails it wrote.
    """
    meeting = (
        Meeting.objects.select_related("host_agency")
        .prefetch_related("sessions", "agenda_items")
        .filter(pk=meeting_id, state=Meeting.State.PUBLISHED)
        .first()
    )
    if meeting is None:
        return 0
    invitations = list(
        Invitation.objects.select_for_update(of=("self",))
        .select_related("member__agency", "represented_by__member")
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
    messages = [
        invitation_message(
            invitation=invitation,
            answer_url=answer_url(secrets[invitation.pk]),
            language=language,
            snapshot=snapshot,
        )
        for invitation in invitations
    ]
    queue_messages(messages=messages, kind=Kind.INVITATION, topic=f"meeting:{meeting_id}")
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(
        invitation_sent_at=timezone.now()
    )
    return len(messages)


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


def _check_open(meeting: Meeting, now) -> None:
    if meeting.state != Meeting.State.PUBLISHED or (
        meeting.answer_deadline and meeting.answer_deadline < now
    ):
        raise AnswerClosed(meeting.answer_deadline)


def _seats_taken(meeting: Meeting) -> int:
    return meeting.invitations.filter(
        answer=Invitation.Answer.YES, withdrawn_at__isnull=True
    ).count()
