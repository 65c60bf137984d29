import hashlib
import logging
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from core.batches import batched

from .models import Agency, Member, PendingImport, User
from .roster import Roster, RosterRow, RowError, check_row
from .validators import Employment

logger = logging.getLogger(__name__)


@transaction.atomic
def attach_account_to_member(*, user: User, email: str) -> Member | None:
    """A verified email attaches the account to the member with that email, once.

    An unverified address attaches nothing: anyone can type someone else's email.
    """
    verified = EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
    if not verified:
        return None
    member = (
        Member.objects.select_for_update().filter(email__iexact=email, user__isnull=True).first()
    )
    if member is None:
        return None
    if Member.objects.filter(user=user).exists():
        return None
    member.user = user
    member.save(update_fields=["user", "updated_at"])
    if not user.name:
        user.name = member.full_name
        user.save(update_fields=["name"])
    return member


# --- Roster import -------------------------------------------------------------------------

ROSTER_PREVIEW_VALID_FOR = timedelta(hours=2)
_BATCH_SIZE = 500  # rows per query: well under SQLite's limit on query parameters


class RosterImportError(Exception):
    """The import cannot go ahead and nothing was written; str() is the message for the user."""


class PreviewExpired(RosterImportError):
    def __str__(self):
        return _(
            "This preview is no longer valid: it was already imported, it expired, or it was "
            "not yours. Upload the file again."
        )


@dataclass(frozen=True)
class RosterPreview:
    roster: Roster  # with the errors only the database can tell (an ambiguous acronym)
    token: str | None  # set when every row is valid: the organizer confirms with it
    existing_emails: frozenset[str]
    new_agencies: tuple[str, ...]

    @property
    def updated_members(self) -> int:
        return sum(row.email in self.existing_emails for row in self.roster.rows)

    @property
    def new_members(self) -> int:
        return len(self.roster.rows) - self.updated_members


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    agencies_created: int

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


@transaction.atomic
def preview_roster(*, roster: Roster, organizer: User) -> RosterPreview:
    """Compares a checked roster with the database; a valid one waits for its organizer.

    A roster is imported only when every row is valid, so only a valid one is kept: for
    ROSTER_PREVIEW_VALID_FOR, under a random token that only this organizer can confirm.
    """
    preview = _compare_with_database(roster)
    roster, token = preview.roster, None
    if roster.is_valid:
        PendingImport.objects.filter(
            created_at__lt=timezone.now() - ROSTER_PREVIEW_VALID_FOR
        ).delete()
        token = secrets.token_urlsafe(32)
        PendingImport.objects.create(
            token_hash=_token_hash(token),
            created_by=organizer,
            file_name=roster.file_name[:255],
            rows=[row.to_json() for row in roster.rows],
        )
    return replace(preview, token=token)


def pending_preview(*, token: str, organizer: User) -> RosterPreview | None:
    """The roster this organizer previewed under this token, compared with today's members.

    None once it was imported or expired, and for anyone else's token.
    """
    pending = _pending_imports(token=token, organizer=organizer).first()
    if pending is None:
        return None
    roster = Roster(
        file_name=pending.file_name, rows=[RosterRow.from_json(row) for row in pending.rows]
    )
    return replace(_compare_with_database(roster), token=token)


def _compare_with_database(roster: Roster) -> RosterPreview:
    agencies = _Agencies({row.agency for row in roster.rows if row.agency})
    roster = replace(roster, rows=[agencies.check(row) for row in roster.rows])
    existing = _members_by_email({row.email for row in roster.rows if row.email})
    return RosterPreview(
        roster=roster,
        token=None,
        existing_emails=frozenset(existing),
        new_agencies=tuple(agencies.unknown_names()),
    )


def _pending_imports(*, token: str, organizer: User):
    return PendingImport.objects.filter(
        token_hash=_token_hash(token),
        created_by=organizer,
        created_at__gte=timezone.now() - ROSTER_PREVIEW_VALID_FOR,
    )


def confirm_roster_import(*, token: str, organizer: User) -> ImportResult:
    """Imports the roster an organizer previewed, once.

    The token must be this organizer's and recent; a second confirmation (a double click,
    another tab) finds nothing left to import. Nothing is written unless all of it is.
    """
    try:
        return _confirm_roster_import(token=token, organizer=organizer)
    except IntegrityError as clash:
        # Someone added one of these members or agencies between our reads and our writes.
        raise RosterImportError(
            _(
                "The members changed while the roster was being imported. Nothing was "
                "imported: confirm again."
            )
        ) from clash


@transaction.atomic
def _confirm_roster_import(*, token: str, organizer: User) -> ImportResult:
    pending = _pending_imports(token=token, organizer=organizer).select_for_update().first()
    if pending is None:
        raise PreviewExpired
    result = import_roster(
        rows=[RosterRow.from_json(row) for row in pending.rows], imported_by=organizer
    )
    pending.delete()
    return result


@transaction.atomic
def import_roster(*, rows: Sequence[RosterRow], imported_by: User) -> ImportResult:
    """Writes checked roster rows, all or nothing.

    Each row updates the member with its email (in any case) or creates one. Its agency is
    found by name or acronym (in any case) and created when Rakor does not know it. An empty
    cell keeps what Rakor already knows. The queries grow with batches of rows, not with rows.
    """
    if any(row.errors for row in rows):
        raise ValueError("import_roster takes rows without errors only")
    agencies = _Agencies({row.agency for row in rows})
    for text in sorted(agencies.texts):
        if agencies.ambiguity(text):
            raise RosterImportError(agencies.ambiguity(text))
    agencies_created = agencies.create_unknown()
    existing = _members_by_email({row.email for row in rows})

    new_members, changed_members, changed_fields = [], [], set()
    for row in rows:
        agency = agencies.find(row.agency)
        member = existing.get(row.email)
        if member is None:
            new_members.append(_new_member(row, agency))
            continue
        changes = _update_member(member, row, agency)
        if changes:
            changed_members.append(member)
            changed_fields |= changes
    Member.objects.bulk_create(new_members, batch_size=_BATCH_SIZE)
    if changed_members:
        now = timezone.now()
        for member in changed_members:
            member.updated_at = now
        Member.objects.bulk_update(
            changed_members, [*sorted(changed_fields), "updated_at"], batch_size=_BATCH_SIZE
        )
    result = ImportResult(
        created=len(new_members),
        updated=len(changed_members),
        unchanged=len(existing) - len(changed_members),
        agencies_created=agencies_created,
    )
    logger.info("Roster imported by %s: %s", imported_by.pk, result)
    return result


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _members_by_email(emails: set[str]) -> dict[str, Member]:
    """Members by lower-case email, fetched in batches (an IN list has a limit on SQLite)."""
    found = {}
    for batch in batched(sorted(emails), _BATCH_SIZE):
        members = Member.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=batch)
        found.update((member.email_lower, member) for member in members)
    return found


def _new_member(row: RosterRow, agency: Agency) -> Member:
    return Member(
        full_name=row.full_name,
        email=row.email,
        nip=row.nip,
        employment=row.employment or Employment.PNS,
        position=row.position,
        rank=row.rank,
        work_unit=row.work_unit,
        phone=row.phone,
        agency=agency,
    )


def _update_member(member: Member, row: RosterRow, agency: Agency) -> set[str]:
    wanted = {"full_name": row.full_name, "agency": agency}
    for name in ("nip", "employment", "position", "rank", "work_unit", "phone"):
        if getattr(row, name):
            wanted[name] = getattr(row, name)
    changed = set()
    for name, value in wanted.items():
        current = member.agency_id if name == "agency" else getattr(member, name)
        if current != (value.pk if name == "agency" else value):
            setattr(member, name, value)
            changed.add(name)
    return changed


_NAME_WITH_ACRONYM = re.compile(r"(.+?)\s*\(([^()]{1,40})\)")
_KIND_BY_FIRST_WORD = {
    "kementerian": Agency.Kind.MINISTRY,
    "badan": Agency.Kind.AGENCY,
    "lembaga": Agency.Kind.AGENCY,
    "komisi": Agency.Kind.AGENCY,
    "pemerintah": Agency.Kind.REGIONAL,
    "pemprov": Agency.Kind.REGIONAL,
    "pemkab": Agency.Kind.REGIONAL,
    "pemkot": Agency.Kind.REGIONAL,
}


class _Agencies:
    """The agencies a roster names, as "Name", "ACRONYM" or "Name (ACRONYM)", in any case."""

    def __init__(self, texts: Iterable[str]):
        self.texts = set(texts)
        self.by_name: dict[str, Agency] = {}
        self.by_acronym: dict[str, list[Agency]] = {}
        keys = set()
        for text in self.texts:
            name, acronym = self._split(text)
            keys |= {text, name, acronym} - {""}
        self._load(keys)

    @staticmethod
    def _split(text: str) -> tuple[str, str]:
        found = _NAME_WITH_ACRONYM.fullmatch(text)
        return (found.group(1), found.group(2).strip()) if found else (text, "")

    def _load(self, keys: set[str]) -> None:
        lowered = {key.lower() for key in keys}
        # Also by exact text: SQLite's lower() leaves letters outside ASCII as they are.
        for agency in Agency.objects.annotate(
            name_lower=Lower("name"), acronym_lower=Lower("acronym")
        ).filter(
            Q(name_lower__in=lowered)
            | Q(acronym_lower__in=lowered)
            | Q(name__in=keys)
            | Q(acronym__in=keys)
        ):
            self.by_name[agency.name.lower()] = agency
            if agency.acronym:
                same = self.by_acronym.setdefault(agency.acronym.lower(), [])
                if agency not in same:
                    same.append(agency)

    def _lookup(self, text: str) -> list[Agency]:
        name, acronym = self._split(text)
        for key in (text, name):
            if key.lower() in self.by_name:
                return [self.by_name[key.lower()]]
        return self.by_acronym.get((acronym or text).lower(), [])

    def find(self, text: str) -> Agency:
        return self._lookup(text)[0]

    def ambiguity(self, text: str) -> str:
        matches = self._lookup(text)
        if len(matches) < 2:
            return ""
        return _("“%(value)s” is the acronym of %(agencies)s: write the agency's full name.") % {
            "value": text,
            "agencies": "; ".join(agency.name for agency in matches),
        }

    def check(self, row: RosterRow) -> RosterRow:
        problem = row.agency and self.ambiguity(row.agency)
        return replace(row, errors=(*row.errors, RowError("agency", problem))) if problem else row

    def unknown_names(self) -> list[str]:
        """The agencies to create, one per name whatever its case, in the file's spelling."""
        names: dict[str, str] = {}
        for text in sorted(self.texts):
            if not self._lookup(text):
                name, _acronym = self._split(text)
                names.setdefault(name.lower(), text)
        return sorted(names.values(), key=str.lower)

    def create_unknown(self) -> int:
        unknown = self.unknown_names()
        agencies = []
        for text in unknown:
            name, acronym = self._split(text)
            kind = _KIND_BY_FIRST_WORD.get(name.split()[0].lower(), Agency.Kind.OTHER)
            agencies.append(Agency(name=name, acronym=acronym, kind=kind))
        # ignore_conflicts: another import may create the same agency at the same moment.
        Agency.objects.bulk_create(agencies, ignore_conflicts=True, batch_size=_BATCH_SIZE)
        if agencies:
            self._load({agency.name for agency in agencies})
        return len(agencies)


# --- Members added while inviting ----------------------------------------------------------


@dataclass(frozen=True)
class NewMember:
    """A pasted address that matches no member, with what the organizer filled in for it."""

    email: str
    full_name: str
    agency_id: int | None
    position: str = ""


class NewMembersInvalid(Exception):
    """Some people cannot become members; nothing was written. `errors` maps each refused
    email (lower case) to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def create_members_for_invitation(*, people: Sequence[NewMember]) -> list[Member]:
    """The member for each of `people`, each address once and in their order: a new one in the
    agency chosen, or the one that already has the email in any case (kept as it is).

    Checked like a roster row (required name, email and agency, lengths, a real address); any
    refusal raises NewMembersInvalid before anything is written. A member created at the same
    time by someone else (an import) is not duplicated: the insert skips what the Lower(email)
    unique constraint refuses and the existing member is read back. A fixed number of queries
    whatever the number of people. Call it inside the caller's transaction.
    """
    if not people:
        return []
    agencies = Agency.objects.in_bulk({p.agency_id for p in people if p.agency_id is not None})
    errors: dict[str, list[str]] = {}
    checked: dict[str, RosterRow] = {}
    for line, person in enumerate(people, start=1):
        agency = agencies.get(person.agency_id)
        row = check_row(
            line,
            {
                "full_name": person.full_name.strip(),
                "email": person.email.strip(),
                "agency": agency.name if agency else "",
                "position": person.position.strip(),
            },
        )
        if row.errors:
            errors.setdefault(person.email.strip().lower(), []).extend(
                f"{error.label}: {error.message}" if error.label else error.message
                for error in row.errors
            )
        else:
            checked.setdefault(row.email, replace(row, agency=str(agency.pk)))
    if errors:
        raise NewMembersInvalid(errors)
    with transaction.atomic():
        Member.objects.bulk_create(
            [
                Member(
                    full_name=row.full_name,
                    email=row.email,
                    position=row.position,
                    agency_id=int(row.agency),
                )
                for row in checked.values()
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
