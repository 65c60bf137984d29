"""Walk-ins: someone without an invitation registers at the venue (on the self check-in page),
and the organizers accept them (a member, an invitation and a check-in) or reject them."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Invitation, Session
from members.models import Agency, Member, User

from ..models import CheckIn, WalkIn
from .selfcheckin import SelfCheckInError, SessionClosed
from .session_hours import is_open


class WalkInExists(SelfCheckInError):
    message = _("Someone with this email has already registered for this session.")


class WalkInDecided(SelfCheckInError):
    message = _("This walk-in has already been reviewed.")


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
                full_name=" ".join(full_name.split()),
                agency_name=" ".join(agency_name.split()),
                email=email.strip().lower(),
                nip=nip,
                position=position,
                phone=phone,
                signature=signature,
            )
    except IntegrityError:
        raise WalkInExists from None


@transaction.atomic
def accept_walk_in(*, walk_in: WalkIn, decided_by: User) -> CheckIn:
    """The walk-in becomes a member (the one with that email, else a new one), an accepted
    invitation to the meeting and a check-in to the session at the time they registered."""
    walk_in = _lock_pending(walk_in)
    member = Member.objects.select_for_update().filter(email__iexact=walk_in.email).first()
    if member is None:
        member = Member.objects.create(
            full_name=walk_in.full_name,
            email=walk_in.email,
            nip=walk_in.nip,
            position=walk_in.position,
            phone=walk_in.phone,
            agency=_agency_named(walk_in.agency_name),
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
    if not created and (
        invitation.withdrawn_at is not None or invitation.answer != Invitation.Answer.YES
    ):
        invitation.withdrawn_at = None
        invitation.answer, invitation.answered_at = Invitation.Answer.YES, timezone.now()
        # An invitation email still owed from before is not written: they are checked in.
        invitation.save(update_fields=["withdrawn_at", "answer", "answered_at"])
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
    walk_in.state, walk_in.invitation = WalkIn.State.ACCEPTED, invitation
    walk_in.save(update_fields=["state", "invitation"])
    return checkin


@transaction.atomic
def reject_walk_in(*, walk_in: WalkIn, decided_by: User) -> WalkIn:
    walk_in = _lock_pending(walk_in)
    walk_in.state = WalkIn.State.REJECTED
    walk_in.save(update_fields=["state"])
    return walk_in


def _lock_pending(walk_in: WalkIn) -> WalkIn:
    walk_in = (
        WalkIn.objects.select_for_update(of=("self",))
        .select_related("meeting", "session")
        .get(pk=walk_in.pk)
    )
    if walk_in.state != WalkIn.State.PENDING:
        raise WalkInDecided
    return walk_in


def _agency_named(name: str) -> Agency:
    """The agency by name or acronym, else a new one with that name."""
    found = list(Agency.objects.filter(Q(name__iexact=name) | Q(acronym__iexact=name))[:2])
    if len(found) == 1:
        return found[0]
    agency, _created = Agency.objects.get_or_create(name__iexact=name, defaults={"name": name})
    return agency
