"""Walk-ins: someone without an invitation registers at the venue (on the self check-in page),
and the organizers accept them (a member, an invitation and a check-in) or reject them.

The agency a walk-in typed is only text until an organizer confirms it: matched in the
directory (by name or acronym, members.agencies.AgencyMatcher) and confirmed, or chosen, or
added as a new agency with the name, acronym and kind the organizer gives it."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import one_line
from events.models import Invitation, Session
from events.services.counts import refresh_invited_counts
from members.agencies import NewAgency
from members.models import Agency, Member, User
from members.newcomers import add_agency

from ..models import CheckIn, WalkIn
from .selfcheckin import SelfCheckInError, SessionClosed
from .session_hours import is_open


class WalkInExists(SelfCheckInError):
    message = _("Someone with this email has already registered for this session.")


class WalkInDecided(SelfCheckInError):
    message = _("This walk-in has already been reviewed.")


class WalkInAgencyNeeded(SelfCheckInError):
    message = _(
        "Confirm the agency of this walk-in: choose it from the directory or add it as a new "
        "agency."
    )


@transaction.atomic
def register_walk_in(
    *,
    session: Session,
    full_name: str,
    agency_name: str,
    email: str,
    nip: str = "",
    position: str = "",
    phone: str = "",
    signature: bytes | None = None,
) -> WalkIn:
    """Record someone without an invitation who came to the venue, for the organizers to
    review. One per email and session (WalkInExists for a second)."""
    if not is_open(session):
        raise SessionClosed
    try:
        with transaction.atomic():
            return WalkIn.objects.create(
                meeting=session.meeting,
                session=session,
                full_name=one_line(full_name),
                agency_name=one_line(agency_name),
                email=email.strip().lower(),
                nip=nip,
                position=one_line(position),
                phone=one_line(phone),
                signature=signature,
            )
    except IntegrityError:
        raise WalkInExists from None


@transaction.atomic
def accept_walk_in(
    *,
    walk_in: WalkIn,
    decided_by: User,
    agency: Agency | None = None,
    new_agency: NewAgency | None = None,
) -> CheckIn:
    """The walk-in becomes a member (the one with that email, else a new one), an accepted
    invitation to the meeting and a check-in to the session at the time they registered.

    A new member's agency is the one the organizer confirmed: `agency` from the directory, or
    `new_agency` added now; without either, WalkInAgencyNeeded and nothing is written. An
    existing member keeps their agency."""
    walk_in = _lock_pending(walk_in)
    member = Member.objects.select_for_update().filter(email__iexact=walk_in.email).first()
    if member is None:
        if agency is None:
            if new_agency is None:
                raise WalkInAgencyNeeded
            agency = add_agency(new_agency=new_agency)
        member = Member.objects.create(
            full_name=walk_in.full_name,
            email=walk_in.email,
            nip=walk_in.nip,
            position=walk_in.position,
            phone=walk_in.phone,
            agency=agency,
        )
    invitation, created = Invitation.objects.get_or_create(
        meeting=walk_in.meeting,
        member=member,
        defaults={
            "answer": Invitation.Answer.YES,
            "answered_at": walk_in.created_at,
            "invited_by": decided_by,
        },
    )
    renewed = not created and invitation.withdrawn_at is not None
    if not created and (
        invitation.withdrawn_at is not None or invitation.answer != Invitation.Answer.YES
    ):
        invitation.withdrawn_at = None
        invitation.answer, invitation.answered_at = Invitation.Answer.YES, timezone.now()
        # An invitation email still owed from before is not written: they are checked in.
        invitation.save(update_fields=["withdrawn_at", "answer", "answered_at"])
    if created or renewed:
        refresh_invited_counts(meeting_ids=[walk_in.meeting_id])
    checkin, _created = CheckIn.objects.get_or_create(
        invitation=invitation,
        session=walk_in.session,
        defaults={
            "at": walk_in.created_at,
            "method": CheckIn.Method.WALK_IN,
            "operator": decided_by,
            "operator_name": decided_by.get_full_name() or decided_by.email,
            "signature": walk_in.signature,
        },
    )
    walk_in.invitation = invitation
    _decide(walk_in, WalkIn.State.ACCEPTED, decided_by, extra=["invitation"])
    return checkin


@transaction.atomic
def reject_walk_in(*, walk_in: WalkIn, decided_by: User) -> WalkIn:
    """The walk-in is not let in; the walk-in keeps who decided it and when, as an accepted
    one does."""
    walk_in = _lock_pending(walk_in)
    _decide(walk_in, WalkIn.State.REJECTED, decided_by)
    return walk_in


def _decide(walk_in: WalkIn, state: str, decided_by: User, extra=()) -> None:
    walk_in.state, walk_in.decided_by, walk_in.decided_at = state, decided_by, timezone.now()
    walk_in.save(update_fields=["state", "decided_by", "decided_at", *extra])


def _lock_pending(walk_in: WalkIn) -> WalkIn:
    walk_in = (
        WalkIn.objects.select_for_update(of=("self",))
        .select_related("meeting", "session")
        .get(pk=walk_in.pk)
    )
    if walk_in.state != WalkIn.State.PENDING:
        raise WalkInDecided
    return walk_in
