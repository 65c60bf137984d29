"""People and agencies an organizer adds on the spot: the pasted addresses that match no
member when inviting, and the agency of a new person or of a walk-in, added with the name,
acronym and kind the organizer gives it (never guessed into another agency)."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower

from core.text import one_line

from .agencies import NewAgency
from .models import Agency, Member
from .roster import RosterRow, check_row


@dataclass(frozen=True)
class NewMember:
    """A pasted address that matches no member, with what the organizer filled in for it: an
    agency of the directory (`agency_id`) or one to add on the spot (`new_agency`)."""

    email: str
    full_name: str
    agency_id: int | None = None
    position: str = ""
    new_agency: NewAgency | None = None


class NewMembersInvalid(Exception):
    """Some people cannot become members; nothing was written. `errors` maps each refused
    email (lower case) to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def create_members_for_invitation(*, people: Sequence[NewMember]) -> list[Member]:
    """The member for each of `people`, each address once and in their order: a new one in the
    agency chosen, or the one that already has the email in any case (kept as it is).

    A person's agency is the directory's agency they were given, or a new agency the
    organizer named (name, acronym, kind): created once however many people share it (by its
    name in any case), or, when the directory already has an agency of that name, that one.
    Nobody is ever put in an agency they were not given. Checked like a roster row (required
    name, email and agency, lengths, a real address); any refusal raises NewMembersInvalid
    before anything is written. A member created at the same time by someone else (an
    import) is not duplicated: the insert skips what the Lower(email) unique constraint
    refuses and the existing member is read back. A fixed number of queries whatever the
    number of people. Call it inside the caller's transaction.
    """
    if not people:
        return []
    agencies = Agency.objects.in_bulk({p.agency_id for p in people if p.agency_id is not None})
    errors: dict[str, list[str]] = {}
    checked: dict[str, tuple[RosterRow, int | NewAgency]] = {}
    for line, person in enumerate(people, start=1):
        agency = agencies.get(person.agency_id) if person.new_agency is None else None
        agency_name = agency.name if agency else (person.new_agency or NewAgency("")).name.strip()
        row = check_row(
            line,
            {
                "full_name": one_line(person.full_name),
                "email": person.email.strip(),
                "agency": agency_name,
                "position": one_line(person.position),
            },
        )
        if row.errors:
            errors.setdefault(person.email.strip().lower(), []).extend(
                f"{error.label}: {error.message}" if error.label else error.message
                for error in row.errors
            )
        elif agency is not None:
            checked.setdefault(row.email, (row, agency.pk))
        elif person.new_agency is not None:  # without either, check_row refused the row
            checked.setdefault(row.email, (row, person.new_agency))
    if errors:
        raise NewMembersInvalid(errors)
    with transaction.atomic():
        created = _agencies_named([a for _, a in checked.values() if isinstance(a, NewAgency)])
        Member.objects.bulk_create(
            [
                Member(
                    full_name=row.full_name,
                    email=row.email,
                    position=row.position,
                    agency_id=agency if isinstance(agency, int) else created[_key(agency.name)],
                )
                for row, agency in checked.values()
            ],
            ignore_conflicts=True,  # an existing member (any case) wins: read back below
        )
        by_email = {
            member.email_lower: member
            for member in Member.objects.select_related("agency")
            .annotate(email_lower=Lower("email"))
            .filter(email_lower__in=list(checked))
        }
    return [by_email[email] for email in checked]


def _key(name: str) -> str:
    return " ".join(name.split()).lower()


def _agencies_named(wanted: Sequence[NewAgency]) -> dict[str, int]:
    """The pk of each agency to add, by its lower-case name: the first NewAgency of each name
    gives the acronym and kind; a name the directory already has is that agency (the
    case-insensitive unique name allows no second one). Three queries whatever the number."""
    first: dict[str, NewAgency] = {}
    for agency in wanted:
        first.setdefault(_key(agency.name), agency)
    if not first:
        return {}

    def existing() -> dict[str, int]:
        found = Agency.objects.annotate(name_lower=Lower("name")).filter(
            Q(name_lower__in=list(first)) | Q(name__in=[a.name for a in first.values()])
        )
        return {_key(agency.name): agency.pk for agency in found}

    known = existing()
    Agency.objects.bulk_create(
        [
            Agency(
                name=" ".join(agency.name.split()),
                acronym=agency.acronym.strip()[: Agency._meta.get_field("acronym").max_length],
                kind=agency.kind or Agency.Kind.OTHER,
            )
            for key, agency in first.items()
            if key not in known
        ],
        ignore_conflicts=True,  # the same agency added at the same moment elsewhere
    )
    return existing() if len(known) < len(first) else known


@transaction.atomic
def add_agency(*, new_agency: NewAgency) -> Agency:
    """The agency an organizer added on the spot (name, acronym, kind), or the directory's
    agency of that name in any case when it has one."""
    [pk] = _agencies_named([new_agency]).values()
    return Agency.objects.get(pk=pk)
