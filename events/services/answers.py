"""Answers through the answer link or a calendar reply, and representatives ("Diwakilkan").

An invitation has at most one representative at a time (a Representation without an end). The
person invited may change their representative, or answer again themselves, which ends the
current representation: a representative invited only because of it is withdrawn through the
usual withdrawal (their calendar gets METHOD:CANCEL) and their seat is freed. Representation
never undoes an organizer's decision (a withdrawn invitation stays withdrawn) and gives no
rights beyond taking part: the representative is a participant, who may not send someone else
in turn, until an organizer grants them the role of the person they stand in for.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import one_line
from members.models import Member, User

from ..models import Invitation, Meeting, Representation
from .changes import withdraw_invitation
from .counts import refresh_invited_counts
from .invitations import check_open
from .sending import send_invitation_batch
from .waitlist import has_open_offer, seat_freed, seats_held

# Changes of representative through one invitation's links, after the first one named.
MAX_REPRESENTATIVE_CHANGES = 3


class RepresentativeInvalid(Exception):
    """A representative Rakor will not record; `message` says why, for the person answering."""

    message = _("The representative must be someone else, with an email address of their own.")


class RepresentativeWithdrawn(RepresentativeInvalid):
    message = _(
        "The invitation of this person to the meeting was withdrawn, so they cannot come as "
        "your representative. Please contact the organizers of the meeting."
    )


class TooManyRepresentativeChanges(RepresentativeInvalid):
    message = _(
        "Your representative has already been changed too many times. Please contact the "
        "organizers of the meeting to change it again."
    )


class RepresentativeCannotDelegate(RepresentativeInvalid):
    message = _(
        "You are invited as a representative, so you cannot send someone else in your place. "
        "Please contact the organizers of the meeting."
    )


class RepresentativeSentYou(RepresentativeInvalid):
    message = _(
        "This person has sent you as their representative, so they cannot be yours in turn. "
        "Please contact the organizers of the meeting."
    )


class RepresentationEnded(Exception):
    """The representation was replaced or taken back: there is nothing left to grant."""

    message = _("This representation has ended.")


@transaction.atomic
def answer_invitation(*, invitation: Invitation, answer: str, note: str = "") -> Invitation:
    """Record an answer until the deadline (AnswerClosed after it, or when the meeting is not
    published).

    Capacity: an acceptance over capacity goes to the waiting list (PARTSTAT TENTATIVE); seats
    offered to people waiting are held for them (waitlist.py). When someone who held a seat, or
    was offered one, answers otherwise, the seat is offered to the next person waiting
    (waitlist.seat_freed); someone offered a seat who answers "Will attend" takes it. The row
    lock on the meeting makes concurrent answers take and free seats one at a time: no
    overbooking.

    Answering oneself ends a current representation first (see the module), so a seat the
    representative held is freed before this answer is counted.
    """
    meeting = Meeting.objects.select_for_update().get(pk=invitation.meeting_id)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    now = timezone.now()
    check_open(meeting, now)
    if answer != Invitation.Answer.REPRESENTED:
        _end_representation(invitation, now)
    held_seat = invitation.answer == Invitation.Answer.YES
    offered = meeting.capacity is not None and has_open_offer(invitation)
    full = (
        meeting.capacity is not None
        and seats_held(meeting, excluding=invitation) >= meeting.capacity
    )
    if answer == Invitation.Answer.YES and not held_seat and full:
        answer = Invitation.Answer.WAITLISTED
        invitation.waitlisted_at = invitation.waitlisted_at or now
    if answer not in (Invitation.Answer.WAITLISTED, Invitation.Answer.YES):
        invitation.waitlisted_at = None
    invitation.answer, invitation.note, invitation.answered_at = answer, note, now
    invitation.save(
        update_fields=["answer", "note", "answered_at", "waitlisted_at", "represented_by"]
    )
    if offered or (held_seat and answer != Invitation.Answer.YES):
        seat_freed(meeting=meeting)
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
    original's agency. Unless already invited, they get an invitation of their own as a
    participant, and its email. The original is marked represented. A seat the original held
    passes to the representative (the waiting list does not move); otherwise the
    representative has not answered yet. Naming the current representative again changes only
    the note. Refused (RepresentativeInvalid and its kinds, nothing written): oneself; someone
    whose invitation an organizer withdrew (one withdrawn only because a representation ended
    is invited again); someone who sent this invitee as their representative (no loops); a
    representative sending someone else before an organizer granted them the role; more than
    MAX_REPRESENTATIVE_CHANGES changes.
    """
    meeting = Meeting.objects.select_for_update().get(pk=invitation.meeting_id)
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("member")
        .get(pk=invitation.pk)
    )
    now = timezone.now()
    check_open(meeting, now)
    email = email.strip()
    if not email or email.lower() == invitation.member.email.lower():
        raise RepresentativeInvalid
    if not may_send_representative(invitation=invitation):
        raise RepresentativeCannotDelegate
    current = _current_representation(invitation)
    if current is not None and current.representative.member.email.lower() == email.lower():
        invitation.note = note
        invitation.save(update_fields=["note"])
        return current.representative
    if invitation.representations.count() > MAX_REPRESENTATIVE_CHANGES:
        raise TooManyRepresentativeChanges
    member = Member.objects.filter(email__iexact=email).first()
    invited = (
        Invitation.objects.select_for_update(of=("self",)).filter(meeting=meeting, member=member)
    ).first()
    # The representative's own invitation, when it was withdrawn.
    withdrawn = invited if invited is not None and invited.withdrawn_at is not None else None
    renewed = withdrawn is not None
    if withdrawn is not None and not _withdrawn_by_representation(withdrawn):
        raise RepresentativeWithdrawn
    if invited is not None and _stands_in_for(invitation, invited):
        raise RepresentativeSentYou
    _end_representation(invitation, now)
    if member is None:
        member = Member.objects.create(
            full_name=one_line(name),
            email=email,
            position=one_line(position),
            agency_id=invitation.member.agency_id,
        )
    if withdrawn is not None:  # withdrawn only because a representation ended: invited again
        withdrawn.withdrawn_at, withdrawn.invitation_sent_at = None, None
        withdrawn.answer, withdrawn.answered_at, withdrawn.waitlisted_at = (
            Invitation.Answer.PENDING,
            None,
            None,
        )
        withdrawn.save(
            update_fields=[
                "withdrawn_at",
                "invitation_sent_at",
                "answer",
                "answered_at",
                "waitlisted_at",
            ]
        )
    created = invited is None or renewed
    representative = invited or Invitation.objects.create(
        meeting=meeting, member=member, invited_by=invitation.invited_by
    )
    if created:
        refresh_invited_counts(meeting_ids=[meeting.pk])
    held_seat = invitation.answer == Invitation.Answer.YES
    offered = meeting.capacity is not None and has_open_offer(invitation)
    took_seat = held_seat and representative.answer != Invitation.Answer.YES
    # Someone waiting who was offered a seat and now takes the invitee's: the offered one frees.
    representative_offered = meeting.capacity is not None and has_open_offer(representative)
    if took_seat:
        representative.answer, representative.answered_at = Invitation.Answer.YES, now
        representative.waitlisted_at = None
        representative.save(update_fields=["answer", "answered_at", "waitlisted_at"])
    invitation.answer, invitation.note, invitation.answered_at = (
        Invitation.Answer.REPRESENTED,
        note,
        now,
    )
    invitation.represented_by, invitation.waitlisted_at = representative, None
    invitation.save(
        update_fields=["answer", "note", "answered_at", "represented_by", "waitlisted_at"]
    )
    Representation.objects.create(
        invitation=invitation,
        representative=representative,
        role=invitation.role,
        created_invitation=created,
        named_at=now,
    )
    # An offer declined, a seat not passed on, or the representative's own offer left behind.
    if offered or (held_seat and not took_seat) or (took_seat and representative_offered):
        seat_freed(meeting=meeting)
    if representative.invitation_sent_at is None:
        send_invitation_batch(meeting_id=meeting.pk, invitation_ids=[representative.pk])
    return representative


def may_send_representative(*, invitation: Invitation) -> bool:
    """False for a representative invited only as one, until an organizer grants them the
    role of the person they stand in for."""
    return not Representation.objects.filter(
        representative=invitation, created_invitation=True, granted_at__isnull=True
    ).exists()


@transaction.atomic
def grant_representative_role(*, representation: Representation, granted_by: User) -> Invitation:
    """An organizer gives a representative the role (and its rights: a speaker's uploads, for
    one) of the person they stand in for. RepresentationEnded once it was replaced or taken
    back. Granting twice keeps the first grant."""
    representation = (
        Representation.objects.select_for_update(of=("self",))
        .select_related("representative")
        .get(pk=representation.pk)
    )
    if representation.ended_at is not None:
        raise RepresentationEnded
    representative = representation.representative
    if representation.granted_at is None:
        representation.granted_at, representation.granted_by = timezone.now(), granted_by
        representation.previous_role = representative.role
        representation.save(update_fields=["granted_at", "granted_by", "previous_role"])
        representative.role = representation.role
        representative.save(update_fields=["role"])
    return representative


def _withdrawn_by_representation(invitation: Invitation) -> bool:
    """Whether `invitation` is withdrawn only because a representation it was invited for
    ended (not by an organizer, who may not be overruled)."""
    return Representation.objects.filter(
        representative=invitation, representative_withdrawn_at=invitation.withdrawn_at
    ).exists()


def _stands_in_for(representative: Invitation, invitation: Invitation) -> bool:
    """Whether `representative` stands in for `invitation`, directly or through a chain of
    representatives (who may each send someone in turn once an organizer granted it)."""
    seen = set()
    current = invitation.represented_by_id
    while current is not None and current not in seen:
        if current == representative.pk:
            return True
        seen.add(current)
        current = (
            Invitation.objects.filter(pk=current)
            .values_list("represented_by_id", flat=True)
            .first()
        )
    return False


def _current_representation(invitation: Invitation) -> Representation | None:
    return (
        invitation.representations.filter(ended_at__isnull=True)
        .select_related("representative__member")
        .first()
    )


def _end_representation(invitation: Invitation, now) -> None:
    """End `invitation`'s current representation, if any: the representative invited only
    because of it is withdrawn, and one invited before gets back the role they had before an
    organizer granted them the represented person's (unless they still stand in for someone
    else)."""
    current = _current_representation(invitation)
    if current is None:
        return
    current.ended_at = now
    current.save(update_fields=["ended_at"])
    invitation.represented_by = None
    representative = current.representative
    still_standing_in = representative.representing.filter(ended_at__isnull=True).exists()
    if still_standing_in:
        return
    if current.granted_at is not None and current.previous_role:
        representative.role = current.previous_role
        representative.save(update_fields=["role"])
    if current.created_invitation and representative.withdrawn_at is None:
        withdrawn = withdraw_invitation(invitation=representative, withdrawn_by=None)
        current.representative_withdrawn_at = withdrawn.withdrawn_at
        current.save(update_fields=["representative_withdrawn_at"])
