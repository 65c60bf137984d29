"""Registration through a meeting's public page (/r/<public_code>/).

Anyone may fill the form; nothing counts until the email address is confirmed with a 6-digit
code sent to it, so a bot or a typo cannot register someone else: the only email a stranger can
cause is that code, and only a few per hour (per address and meeting, and per client address).

Registering means "I will attend": once confirmed (and approved, where the organizer asks for
approval) the registration becomes an invitation with the role peserta, the answer "Hadir" is
recorded through answer_invitation, so capacity and the waiting list apply as for any other
acceptance, and the person gets the same calendar invitation email as everyone (its PARTSTAT
says ACCEPTED, or TENTATIVE on the waiting list).

A registration never confirmed holds personal data nobody vouched for (name, NIP, phone, email):
it is deleted RETENTION["unconfirmed_registrations"] after its last code expired (by the
personal-data retention, from beat).
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.text import one_line
from members.models import Agency, Member, User

from ..models import Invitation, Meeting, Registration
from .answers import answer_invitation
from .invitations import AnswerClosed, invite_members
from .registration_codes import check_code, count_code, new_code, send_code
from .registration_scope import (
    RegistrationClosed,
    RegistrationError,
    check_scope,
    match_agency,
    registration_is_open,
)
from .sending import send_invitations


class RegistrationDecided(RegistrationError):
    message = gettext_lazy("This registration was already decided.")


class Outcome:
    """What a confirmed registration led to (shown to the person)."""

    ATTENDING = "attending"
    WAITLISTED = "waitlisted"
    AWAITING_APPROVAL = "awaiting"
    ALREADY_INVITED = "already_invited"
    INVITED = "invited"  # invited, but answers had closed: the answer stays "no answer yet"


@dataclass(frozen=True)
class Confirmation:
    registration: Registration
    outcome: str


# --- Registering and confirming -----------------------------------------------------------------


@transaction.atomic
def start_registration(
    *,
    meeting: Meeting,
    full_name: str,
    email: str,
    nip: str = "",
    agency: Agency | None = None,
    agency_name: str = "",
    work_unit: str = "",
    position: str = "",
    rank: str = "",
    phone: str = "",
    ip_address: str | None = None,
) -> Registration:
    """Keep what was typed as an unconfirmed registration and email a 6-digit code to `email`.

    Refused (nothing written, nothing sent) when registration is not open (RegistrationClosed),
    when the email domain is not listed or the agency was not invited, per the meeting's scope
    (RegistrationRefused), or when too many codes were sent to that address for this meeting or
    from that client address in the last hour (RateLimited). Whether the address is already
    invited is not looked at here, so the answer tells a stranger nothing about who is invited.
    Only the code's keyed hash is stored; it expires in 30 minutes and allows 5 attempts.
    """
    meeting = Meeting.objects.get(pk=meeting.pk)
    email = email.strip()
    full_name, agency_name, work_unit, position = (
        one_line(text) for text in (full_name, agency_name, work_unit, position)
    )
    if not registration_is_open(meeting):
        raise RegistrationClosed
    if agency is None:
        agency = match_agency(agency_name)
    check_scope(meeting, email=email, agency=agency)
    count_code(meeting, email=email, ip_address=ip_address)
    registration = Registration(
        meeting=meeting,
        email=email,
        full_name=full_name,
        nip=nip,
        agency=agency,
        agency_name=agency.name if agency else agency_name,
        work_unit=work_unit,
        position=position,
        rank=rank,
        phone=phone,
        ip_address=ip_address or None,
    )
    code = new_code(registration)
    registration.save()
    send_code(registration, code)
    return registration


@transaction.atomic
def resend_code(*, registration: Registration, ip_address: str | None = None) -> Registration:
    """A new code for an unconfirmed registration (the old one stops working), with a full set
    of attempts; counted against the same hourly limits as the first one."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.state != Registration.State.UNCONFIRMED:
        raise RegistrationDecided(gettext_lazy("This email address is already confirmed."))
    if not registration_is_open(registration.meeting):
        raise RegistrationClosed
    count_code(registration.meeting, email=registration.email, ip_address=ip_address)
    code = new_code(registration)
    registration.save(update_fields=["code_hash", "code_expires_at", "code_attempts"])
    send_code(registration, code)
    return registration


def confirm_registration(*, registration: Registration, code: str) -> Confirmation:
    """Confirm the email address with the code; only then does the registration count.

    A wrong code uses one of 5 attempts (CodeInvalid, the count kept even though the call
    fails); an expired or used-up code raises CodeExpired. On success, in one transaction:
    the member with that email (any case) is updated with what was typed (fields left empty
    keep their stored value), or created; then
    - already invited (not withdrawn): nothing changes about the invitation; its email is sent
      only if it never was (ALREADY_INVITED);
    - approval required, or an invitation of theirs was withdrawn: the registration waits for
      the organizer (AWAITING_APPROVAL);
    - otherwise it is accepted: invited as peserta with "Hadir" recorded through
      answer_invitation (ATTENDING, or WAITLISTED over capacity) and the invitation sent.
    A registration confirmed twice (a double submit) returns its first outcome.
    """
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("meeting")
            .get(pk=registration.pk)
        )
        if registration.state != Registration.State.UNCONFIRMED:
            return Confirmation(registration, outcome_of(registration))
        failure = check_code(registration, code)
        if failure is None:
            return _confirmed(registration)
    raise failure


def _confirmed(registration: Registration) -> Confirmation:
    meeting = Meeting.objects.select_for_update().get(pk=registration.meeting_id)
    if not registration_is_open(meeting):
        raise RegistrationClosed
    now = timezone.now()
    member = _save_member(registration)
    registration.confirmed_at, registration.code_hash = now, ""
    current = meeting.invitations.filter(member=member, withdrawn_at__isnull=True).first()
    if current is not None:
        registration.state = Registration.State.ACCEPTED
        if not Registration.objects.filter(invitation=current).exists():
            registration.invitation = current
        registration.save()
        if current.invitation_sent_at is None:
            send_invitations(meeting=meeting, invitations=[current])
        return Confirmation(registration, Outcome.ALREADY_INVITED)
    # Registering never undoes an organizer's decision: someone whose invitation was
    # withdrawn waits for the organizers, as with approval required.
    withdrawn = meeting.invitations.filter(member=member, withdrawn_at__isnull=False).exists()
    if meeting.registration_requires_approval or withdrawn:
        registration.state = Registration.State.AWAITING_APPROVAL
        registration.save()
        return Confirmation(registration, Outcome.AWAITING_APPROVAL)
    return Confirmation(registration, _accept(registration, meeting=meeting, member=member))


# --- The organizer's decision -------------------------------------------------------------------


@transaction.atomic
def approve_registration(*, registration: Registration, decided_by: User) -> Registration:
    """An organizer accepts a confirmed registration that awaits approval: it becomes an
    invitation with "Hadir" recorded (or the waiting list) and its email is sent. Answers that
    have closed since leave the invitation without an answer. RegistrationDecided when it was
    not awaiting approval (decided already, or never confirmed); RegistrationClosed when the
    meeting is no longer published."""
    registration = _lock_awaiting(registration)
    meeting = Meeting.objects.select_for_update().get(pk=registration.meeting_id)
    if meeting.state != Meeting.State.PUBLISHED:
        raise RegistrationClosed(gettext_lazy("Only a published meeting sends invitations."))
    member = Member.objects.get(email__iexact=registration.email)
    registration.decided_at, registration.decided_by = timezone.now(), decided_by
    _accept(registration, meeting=meeting, member=member)
    return registration


@transaction.atomic
def reject_registration(*, registration: Registration, decided_by: User) -> Registration:
    """An organizer refuses a registration awaiting approval; nothing is sent."""
    registration = _lock_awaiting(registration)
    registration.state = Registration.State.REJECTED
    registration.decided_at, registration.decided_by = timezone.now(), decided_by
    registration.save(update_fields=["state", "decided_at", "decided_by"])
    return registration


def pending_registrations(*, meeting: Meeting) -> QuerySet[Registration]:
    """Confirmed registrations awaiting the organizer's decision, oldest first (one query)."""
    return (
        meeting.registrations.filter(state=Registration.State.AWAITING_APPROVAL)
        .select_related("agency")
        .order_by("confirmed_at", "pk")
    )


def _lock_awaiting(registration: Registration) -> Registration:
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.state != Registration.State.AWAITING_APPROVAL:
        raise RegistrationDecided
    return registration


def _accept(registration: Registration, *, meeting: Meeting, member: Member) -> str:
    """Invite (or re-invite) the member as peserta, record "Hadir" through answer_invitation so
    capacity and the waiting list apply, and send the invitation email after commit."""
    [invitation] = invite_members(meeting=meeting, members=[member])
    outcome = Outcome.INVITED
    try:
        invitation = answer_invitation(invitation=invitation, answer=Invitation.Answer.YES)
    except AnswerClosed:
        pass
    else:
        waitlisted = invitation.answer == Invitation.Answer.WAITLISTED
        outcome = Outcome.WAITLISTED if waitlisted else Outcome.ATTENDING
    registration.state, registration.invitation = Registration.State.ACCEPTED, invitation
    registration.save()
    send_invitations(meeting=meeting, invitations=[invitation])
    return outcome


def outcome_of(registration: Registration) -> str:
    """The Outcome of a registration already confirmed, from what is stored."""
    if registration.state == Registration.State.AWAITING_APPROVAL:
        return Outcome.AWAITING_APPROVAL
    invitation = registration.invitation
    if invitation is None:
        return Outcome.ALREADY_INVITED
    if invitation.answer == Invitation.Answer.WAITLISTED:
        return Outcome.WAITLISTED
    if invitation.answer == Invitation.Answer.YES:
        return Outcome.ATTENDING
    return Outcome.INVITED


def _save_member(registration: Registration) -> Member:
    """The member with this email, updated with what was typed, or a new member."""
    agency = registration.agency or _agency_named(registration.agency_name)
    typed = {
        "full_name": registration.full_name,
        "nip": registration.nip,
        "work_unit": registration.work_unit,
        "position": registration.position,
        "rank": registration.rank,
        "phone": registration.phone,
    }
    member = Member.objects.select_for_update().filter(email__iexact=registration.email).first()
    if member is None:
        return Member.objects.create(email=registration.email, agency=agency, **typed)
    for name, value in typed.items():
        if value:
            setattr(member, name, value)
    member.agency = agency
    member.save()
    return member


def _agency_named(name: str) -> Agency:
    """An agency typed on the form that Rakor did not know (scope: email domains only)."""
    agency, _created = Agency.objects.get_or_create(name__iexact=name, defaults={"name": name})
    return agency


# --- Forgetting what was never confirmed --------------------------------------------------------


def unconfirmed_registrations_due(*, now: datetime | None = None):
    """The registrations whose email address was never confirmed, once their last code expired
    more than RETENTION["unconfirmed_registrations"] ago: their name, NIP, phone and email were
    typed by someone who never proved the address is theirs (a bot, a typo, someone who gave
    up). Only the UNCONFIRMED state without confirmed_at: a confirmed registration (awaiting
    approval, accepted, rejected) is kept whatever its age. Deleted by the personal-data
    retention (personal_data.services.retention), which logs it."""
    cutoff = (now or timezone.now()) - settings.RETENTION["unconfirmed_registrations"]
    expired = Q(code_expires_at__lt=cutoff) | Q(code_expires_at__isnull=True, created_at__lt=cutoff)
    return Registration.objects.filter(
        expired, state=Registration.State.UNCONFIRMED, confirmed_at__isnull=True
    )


def delete_unconfirmed_registrations(*, now: datetime | None = None) -> int:
    """Delete every registration unconfirmed_registrations_due finds. The rule is the WHERE
    clause of one DELETE, so a code resent at the same moment (a later code_expires_at) keeps
    its registration, and a second run deletes nothing. Returns how many were deleted."""
    deleted, _by_model = unconfirmed_registrations_due(now=now).delete()
    return deleted
