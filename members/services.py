import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from core.batches import batched
from core.secrets import hash_secret, new_secret
from core.text import one_line
from privacy.scope import with_contact_scope

from .agencies import AgencyMatcher, NewAgency, split_acronym
from .models import Agency, Member, PendingImport, User
from .roster import Roster, RosterRow, RowError
from .validators import Employment

if TYPE_CHECKING:
    from privacy.scope import ScopedMember

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
    # Members the organizer may not see whole (privacy/scope.py): their rows change nothing.
    kept_emails: frozenset[str] = frozenset()

    @property
    def updated_members(self) -> int:
        return sum(
            row.email in self.existing_emails and row.email not in self.kept_emails
            for row in self.roster.rows
        )

    @property
    def kept_members(self) -> int:
        return sum(row.email in self.kept_emails for row in self.roster.rows)

    @property
    def new_members(self) -> int:
        return len(self.roster.rows) - self.updated_members - self.kept_members


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
    preview = _compare_with_database(roster, organizer=organizer)
    roster, token = preview.roster, None
    if roster.is_valid:
        PendingImport.objects.filter(
            created_at__lt=timezone.now() - ROSTER_PREVIEW_VALID_FOR
        ).delete()
        token = new_secret()
        PendingImport.objects.create(
            token_hash=hash_secret(token),
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
    return replace(_compare_with_database(roster, organizer=organizer), token=token)


def _compare_with_database(roster: Roster, *, organizer: User) -> RosterPreview:
    agencies = _Agencies({row.agency for row in roster.rows if row.agency})
    roster = replace(roster, rows=[agencies.check(row) for row in roster.rows])
    existing = _members_by_email({row.email for row in roster.rows if row.email}, organizer)
    return RosterPreview(
        roster=roster,
        token=None,
        existing_emails=frozenset(existing),
        new_agencies=tuple(agencies.unknown_names()),
        kept_emails=frozenset(e for e, member in existing.items() if not member.contact_visible),
    )


def _pending_imports(*, token: str, organizer: User):
    return PendingImport.objects.filter(
        token_hash=hash_secret(token),
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
    cell keeps what Rakor already knows. A member outside the importer's scope
    (privacy/scope.py) is left as they are: a roster naming them cannot move them into the
    importer's agency, and so into their scope, nor overwrite what the importer may not see.
    The queries grow with batches of rows, not with rows.
    """
    if any(row.errors for row in rows):
        raise ValueError("import_roster takes rows without errors only")
    agencies = _Agencies({row.agency for row in rows})
    for text in sorted(agencies.texts):
        if agencies.ambiguity(text):
            raise RosterImportError(agencies.ambiguity(text))
    agencies_created = agencies.create_unknown()
    existing = _members_by_email({row.email for row in rows}, imported_by)

    new_members, changed_members, changed_fields = [], [], set()
    for row in rows:
        agency = agencies.lookup(row.agency)[0]
        member = existing.get(row.email)
        if member is None:
            new_members.append(_new_member(row, agency))
            continue
        if not member.contact_visible:
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


def _members_by_email(emails: set[str], viewer: User) -> "dict[str, ScopedMember]":
    """Members by lower-case email, fetched in batches (an IN list has a limit on SQLite), each
    with `contact_visible` for `viewer`."""
    found: dict[str, ScopedMember] = {}
    scoped = with_contact_scope(Member.objects.all(), viewer)
    for batch in batched(sorted(emails), _BATCH_SIZE):
        members = scoped.annotate(email_lower=Lower("email")).filter(email_lower__in=batch)
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
    wanted: dict[str, Any] = {"full_name": row.full_name, "agency": agency}
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


class _Agencies(AgencyMatcher):
    """The agencies a roster names, and those it names that Rakor does not know yet."""

    def check(self, row: RosterRow) -> RosterRow:
        problem = row.agency and self.ambiguity(row.agency)
        return replace(row, errors=(*row.errors, RowError("agency", problem))) if problem else row

    def unknown_names(self) -> list[str]:
        """The agencies to create, one per name whatever its case, in the file's spelling."""
        names: dict[str, str] = {}
        for text in sorted(self.texts):
            if not self.lookup(text):
                name, _acronym = split_acronym(text)
                names.setdefault(name.lower(), text)
        return sorted(names.values(), key=str.lower)

    def create_unknown(self) -> int:
        unknown = self.unknown_names()
        agencies = []
        for text in unknown:
            suggested = NewAgency.suggested_for(text)
            agencies.append(
                Agency(name=suggested.name, acronym=suggested.acronym, kind=suggested.kind)
            )
        # ignore_conflicts: another import may create the same agency at the same moment.
        Agency.objects.bulk_create(agencies, ignore_conflicts=True, batch_size=_BATCH_SIZE)
        if agencies:
            self.load({agency.name for agency in agencies})
        return len(agencies)


# --- The kop (letterhead) of an agency -------------------------------------------------------


@dataclass(frozen=True)
class LetterheadChange:
    name: str
    unit: str
    address: str
    logo: bytes | None = None  # the uploaded file as it came; None keeps the logo there is
    remove_logo: bool = False


@transaction.atomic
def update_letterhead(*, agency: Agency, change: LetterheadChange) -> Agency:
    """Save the kop of `agency`'s letters: the lines it prints and its logo (checked and
    re-encoded by members.letterhead.clean_logo, which raises LogoInvalid). Records already
    frozen keep the kop they were made with."""
    from .letterhead import clean_logo

    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    agency.letterhead_name = one_line(change.name)[:250]
    agency.letterhead_unit = one_line(change.unit)[:250]
    agency.address = "\n".join(
        one_line(line) for line in change.address.splitlines() if one_line(line)
    )
    if change.logo is not None:
        agency.logo = clean_logo(change.logo)
    elif change.remove_logo:
        agency.logo = None
    agency.save(update_fields=["letterhead_name", "letterhead_unit", "address", "logo"])
    logger.info("Letterhead of agency %s updated", agency.pk)
    return agency
