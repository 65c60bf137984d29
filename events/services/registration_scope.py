"""Who may register through a meeting's public page: whether registration is open, the
meeting's scope (the invited agencies, or email domains) and the agency a typed name means;
and the refusals that follow from them."""

import re
from datetime import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import Refused
from members.models import Agency

from ..models import Meeting

_DOMAIN_SEPARATORS = re.compile(r"[\s,;]+")
_NAME_AND_ACRONYM = re.compile(r"(?P<name>.+?)\s*\((?P<acronym>[^()]+)\)")


class RegistrationError(Refused):
    """A registration the rules refuse; `message` is for the person registering."""

    message = gettext_lazy("This registration is not possible.")


class RegistrationClosed(RegistrationError):
    message = gettext_lazy("Registration for this meeting is closed.")


class RegistrationRefused(RegistrationError):
    """The email domain or the agency is outside the meeting's registration scope."""


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


def check_scope(meeting: Meeting, *, email: str, agency: Agency | None) -> None:
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
