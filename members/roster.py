"""A roster file, checked row by row: what an organizer uploads before Rakor imports anything.

`read_roster` never touches the database and never raises on bad input: every problem becomes
a message, on its row or on the whole file, so the preview can list all of them at once.
"""

import re
from dataclasses import asdict, dataclass, field, replace
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from core.text import one_line

from .roster_parse import FIELD_LABELS, REQUIRED_FIELDS, UnreadableFile, read_sheet
from .validators import Employment, normalize_nip, parse_rank, validate_nip

_MAX_LENGTHS = {"full_name": 200, "agency": 200, "work_unit": 200, "position": 200, "email": 254}
_EMPLOYMENT_WORDS = {
    "pns": Employment.PNS.value,
    "asn": Employment.PNS.value,
    "civilservant": Employment.PNS.value,
    "pppk": Employment.PPPK.value,
    "nonasn": Employment.OTHER.value,
    "nonpns": Employment.OTHER.value,
    "honorer": Employment.OTHER.value,
    "other": Employment.OTHER.value,
    "lainnya": Employment.OTHER.value,
}
# How Excel shows a long number it has rounded: 1.98503152010011E+17 (1,98503E+17 in id-ID).
_EXCEL_NUMBER = re.compile(r"\d([.,]\d+)?E\+?\d+", re.IGNORECASE)


class RowError(NamedTuple):
    field: str  # "" when the error is about the row as a whole
    message: str

    @property
    def label(self) -> str:
        return str(FIELD_LABELS.get(self.field, ""))


@dataclass(frozen=True)
class RosterRow:
    """One person from the file, values cleaned; empty strings where the file says nothing."""

    line: int
    full_name: str = ""
    email: str = ""
    nip: str = ""
    employment: str = ""
    agency: str = ""
    work_unit: str = ""
    position: str = ""
    rank: str = ""
    phone: str = ""  # never read from a file (roster_parse.py); kept for stored previews
    errors: tuple[RowError, ...] = ()

    def to_json(self) -> dict:
        data = asdict(self)
        del data["errors"]
        return data

    @classmethod
    def from_json(cls, data: dict) -> "RosterRow":
        return cls(**data)


@dataclass
class Roster:
    file_name: str
    file_format: str = ""
    fields: list[str] = field(default_factory=list)
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # about the file or its columns

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.rows) and not any(row.errors for row in self.rows)

    @property
    def rows_with_errors(self) -> list[RosterRow]:
        return [row for row in self.rows if row.errors]


def read_roster(*, file_name: str, content: bytes) -> Roster:
    """Reads and checks a CSV or XLSX roster; the result says what is wrong, row by row."""
    roster = Roster(file_name=file_name)
    try:
        sheet = read_sheet(content)
    except UnreadableFile as unreadable:
        roster.errors.append(str(unreadable))
        return roster
    roster.file_format, roster.fields, roster.errors = sheet.format, sheet.fields, sheet.problems
    roster.rows = _mark_duplicates(
        [check_row(row.line, row.values, stray_cells=row.stray_cells) for row in sheet.rows]
    )
    return roster


def check_row(line: int, values: dict[str, str], *, stray_cells: bool = False) -> RosterRow:
    """One row's cells → a RosterRow with clean values and the errors of the ones that are not."""
    clean = {name: one_line(values.get(name, "")) for name in FIELD_LABELS}
    errors: list[RowError] = []

    def refuse(name: str, error: ValidationError | str) -> None:
        message = error.messages[0] if isinstance(error, ValidationError) else error
        errors.append(RowError(name, message))

    for name in REQUIRED_FIELDS:
        if not clean[name]:
            refuse(name, _("This value is required."))
    for name, limit in _MAX_LENGTHS.items():
        if len(clean[name]) > limit:
            refuse(name, _("Longer than %(limit)s characters.") % {"limit": limit})

    if clean["email"]:
        clean["email"] = clean["email"].lower()
        try:
            validate_email(clean["email"])
        except ValidationError:
            refuse(
                "email", _("“%(value)s” is not an email address.") % {"value": values.get("email")}
            )

    employment = clean["employment"]
    if employment:
        clean["employment"] = _EMPLOYMENT_WORDS.get(re.sub(r"[^a-z]", "", employment.lower()), "")
        if not clean["employment"]:
            refuse(
                "employment",
                _("“%(value)s” is not an employment status: write PNS, PPPK or Non-ASN.")
                % {"value": employment},
            )

    if clean["nip"]:
        if _EXCEL_NUMBER.fullmatch(clean["nip"]):
            refuse(
                "nip",
                _(
                    "Excel turned this NIP into the number %(value)s and lost its last digits: "
                    "format the NIP column as Text and type the NIPs again."
                )
                % {"value": clean["nip"]},
            )
        else:
            clean["nip"] = normalize_nip(clean["nip"])
            if not employment:
                clean["employment"] = Employment.PNS.value
            try:
                validate_nip(clean["nip"], clean["employment"] or Employment.PNS)
            except ValidationError as error:
                refuse("nip", error)

    try:
        clean["rank"] = parse_rank(clean["rank"])
    except ValidationError as error:
        refuse("rank", error)

    if stray_cells:
        refuse("", _("This row has text in a column without a header."))
    return RosterRow(line=line, errors=tuple(errors), **clean)


def _mark_duplicates(rows: list[RosterRow]) -> list[RosterRow]:
    """A person appears once: two rows with one email (or one NIP) are both refused."""
    lines_by: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        for name in ("email", "nip"):
            value = getattr(row, name)
            if value:
                lines_by.setdefault((name, value), []).append(row.line)
    marked = []
    for row in rows:
        errors = list(row.errors)
        for name in ("email", "nip"):
            value = getattr(row, name)
            others = [line for line in lines_by.get((name, value), []) if line != row.line]
            if value and others:
                message = _("%(value)s is also on row %(lines)s of the file.") % {
                    "value": value,
                    "lines": ", ".join(str(line) for line in others[:5]),
                }
                errors.append(RowError(name, message))
        marked.append(replace(row, errors=tuple(errors)) if len(errors) != len(row.errors) else row)
    return marked
