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

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language, gettext_lazy, override
from django.utils.translation import gettext as _

from core.counters import Limit
from core.dates import format_moment
from core.text import one_line
from members.models import Agency, Member, User
from outbox.models import Kind
from outbox.services import queue_message

from ..calendar import session_line
from ..models import Invitation, Meeting, Registration
from .answers import answer_invitation
from .invitations import AnswerClosed, invite_members
from .sending import send_invitations

CODE_DIGITS = 6
CODE_VALID_FOR = timedelta(minutes=30)
CODE_ATTEMPTS = 5
# Codes sent per email address and meeting, and per client address, in an hour.
CODES_PER_EMAIL = Limit("register-email", allowed=3, window=3600)
CODES_PER_IP = Limit("register-ip", allowed=20, window=3600)

_DOMAIN_SEPARATORS = re.compile(r"[\s,;]+")
_NAME_AND_ACRONYM = re.compile(r"(?P<name>.+?)\s*\((?P<acronym>[^()]+)\)")


class RegistrationError(Exception):
    """A registration the rules refuse; `message` is for the person registering."""

    message = gettext_lazy("This registration is not possible.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class RegistrationClosed(RegistrationError):
    message = gettext_lazy("Registration for this meeting is closed.")


class RegistrationRefused(RegistrationError):
    """The email domain or the agency is outside the meeting's registration scope."""


class RateLimited(RegistrationError):
    message = gettext_lazy(
        "Too many codes were asked for. Please wait an hour and try again, or check your "
        "inbox and spam folder for the code already sent."
    )


class CodeInvalid(RegistrationError):
    """A wrong code; `attempts_left` more tries remain for this code."""

    def __init__(self, attempts_left: int):
        self.attempts_left = attempts_left
        super().__init__(gettext_lazy("That code is not right. Check the email and try again."))


class CodeExpired(RegistrationError):
    message = gettext_lazy("This code is no longer valid. Ask for a new code.")


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


# --- Who may register ---------------------------------------------------------------------------


def parse_domains(text: str) -> list[str]:
    """'Kemenag.go.id, @bps.go.id;  .lan.go.id' → ['kemenag.go.id', 'bps.go.id', 'lan.go.id']."""
    domains = []
    for part in _DOMAIN_SEPARATORS.split((text or "").lower()):
        domain = part.strip().lstrip("@.").rstrip(".")
        if domain and domain not in domains:
            domains.append(domain)
    return domains


def email_in_domains(email: str, domains: list[str]) -> bool:
    """The address's domain is one of `domains` or a subdomain of one: 'a@humas.kemenag.go.id'
    is in 'kemenag.go.id'; 'a@fakekemenag.go.id' is not."""
    domain = email.rpartition("@")[2].strip().lower().rstrip(".")
    return any(domain == allowed or domain.endswith("." + allowed) for allowed in domains)


def registration_is_open(meeting: Meeting, now: datetime | None = None) -> bool:
    """Published, opened by the organizer, before its closing date and before the answer
    deadline (a registration is an answer "Hadir")."""
    now = now or timezone.now()
    return (
        meeting.state == Meeting.State.PUBLISHED
        and meeting.registration_open
        and (meeting.registration_closes_at is None or now < meeting.registration_closes_at)
        and (meeting.answer_deadline is None or now < meeting.answer_deadline)
    )


def invited_agencies(meeting: Meeting) -> QuerySet[Agency]:
    """The agencies of the meeting's current (not withdrawn) invitations."""
    return Agency.objects.filter(
        members__invitations__meeting=meeting, members__invitations__withdrawn_at__isnull=True
    ).distinct()


def registrable_agencies(meeting: Meeting) -> QuerySet[Agency]:
    """The agencies offered on the public form: the invited ones when only they may register,
    every agency otherwise."""
    if meeting.registration_scope == Meeting.RegistrationScope.INVITED_AGENCIES:
        return invited_agencies(meeting).order_by("name")
    return Agency.objects.order_by("name")


def match_agency(name: str, agencies: QuerySet[Agency] | None = None) -> Agency | None:
    """The agency a typed name means: its name, its acronym or "Name (ACRONYM)", in any case;
    None when nothing matches; RegistrationRefused when several do (two units may share an
    acronym), so the person picks from the list."""
    name = " ".join((name or "").split())
    if not name:
        return None
    agencies = Agency.objects.all() if agencies is None else agencies
    conditions = [Q(name__iexact=name), Q(acronym__iexact=name)]
    with_acronym = _NAME_AND_ACRONYM.fullmatch(name)
    if with_acronym:
        conditions.append(
            Q(name__iexact=with_acronym["name"], acronym__iexact=with_acronym["acronym"])
        )
    for condition in conditions:
        found = list(agencies.filter(condition)[:2])
        if len(found) == 1:
            return found[0]
        if found:
            raise RegistrationRefused(
                _("Several agencies are called “%(name)s”: choose yours from the list.")
                % {"name": name}
            )
    return None


def public_url(meeting: Meeting) -> str:
    """The short link to the public page, for the official letter or a WhatsApp group."""
    return f"{settings.SITE_URL}{reverse('events:register', args=[meeting.public_code])}"


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
    _check_scope(meeting, email=email, agency=agency)
    _count_code(meeting, email=email, ip_address=ip_address)
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
    code = _new_code(registration)
    registration.save()
    _send_code(registration, code)
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
    _count_code(registration.meeting, email=registration.email, ip_address=ip_address)
    code = _new_code(registration)
    registration.save(update_fields=["code_hash", "code_expires_at", "code_attempts"])
    _send_code(registration, code)
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
        failure = _check_code(registration, code)
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


def _check_scope(meeting: Meeting, *, email: str, agency: Agency | None) -> None:
    if meeting.registration_scope == Meeting.RegistrationScope.EMAIL_DOMAINS:
        domains = parse_domains(meeting.registration_domains)
        if not email_in_domains(email, domains):
            raise RegistrationRefused(
                _("Only addresses of these domains can register: %(domains)s.")
                % {"domains": ", ".join(domains) or "—"}
            )
        return
    if agency is None or not invited_agencies(meeting).filter(pk=agency.pk).exists():
        raise RegistrationRefused(
            _("Only members of the invited agencies can register: choose yours from the list.")
        )


def _count_code(meeting: Meeting, *, email: str, ip_address: str | None) -> None:
    """Count one code sent against both hourly limits, or raise RateLimited counting nothing."""
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    limits = [(CODES_PER_EMAIL, f"{meeting.pk}:{address}")]
    if ip_address:
        limits.append((CODES_PER_IP, ip_address))
    if any(limit.reached(who) for limit, who in limits):
        raise RateLimited
    for limit, who in limits:
        limit.count(who)


def _code_hash(registration: Registration, code: str) -> str:
    # Keyed with SECRET_KEY: a copy of the database alone cannot try the million codes.
    value = f"{registration.meeting_id}:{registration.email.lower()}:{code}"
    return salted_hmac("rakor.registration-code", value, algorithm="sha256").hexdigest()


def _new_code(registration: Registration) -> str:
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    registration.code_hash = _code_hash(registration, code)
    registration.code_expires_at = timezone.now() + CODE_VALID_FOR
    registration.code_attempts = 0
    return code


def _check_code(registration: Registration, code: str) -> RegistrationError | None:
    """None when `code` is right and still valid; else the error, a wrong try counted."""
    if (
        not registration.code_hash
        or registration.code_expires_at is None
        or registration.code_expires_at <= timezone.now()
        or registration.code_attempts >= CODE_ATTEMPTS
    ):
        return CodeExpired()
    code = re.sub(r"\D", "", code or "")
    if hmac.compare_digest(_code_hash(registration, code), registration.code_hash):
        return None
    registration.code_attempts += 1
    registration.save(update_fields=["code_attempts"])
    left = CODE_ATTEMPTS - registration.code_attempts
    return CodeInvalid(left) if left > 0 else CodeExpired()


def _send_code(registration: Registration, code: str) -> None:
    meeting = registration.meeting
    sessions = list(meeting.sessions.all())
    with override(get_language() or settings.LANGUAGE_CODE):
        when = session_line(sessions[0], meeting.time_zone) if sessions else ""
        # The code stays out of the subject: organizers who are not staff see every subject
        # in the outbox list (and can search it), never a body.
        subject = _("Your registration code for %(title)s") % {"title": meeting.title}
        body = "\n".join(
            [
                _("Someone, hopefully you, asked to register this address for the meeting:"),
                "",
                f"  {meeting.title}",
                f"  {meeting.host_agency}",
                f"  {when}",
                "",
                _("Your code is:"),
                "",
                f"    {code}",
                "",
                _("Type it on the registration page. It is valid until %(time)s.")
                % {"time": format_moment(registration.code_expires_at, meeting.time_zone)},
                _(
                    "If you did not ask for it, ignore this email: without the code nothing "
                    "happens and nobody is registered."
                ),
                "",
                f"Rakor · {meeting.host_agency}",
            ]
        )
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body + "\n",
        to=[registration.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    queue_message(message=message, kind=Kind.REGISTRATION, topic=f"registration:{meeting.pk}")
