"""People pasted into a box, as organizers actually paste them.

- From Outlook or any mail client: `Budi Santoso <budi@bps.go.id>; "Rahmawati, Siti"
  <siti@kemenag.go.id>` (names quoted or not, separated by semicolons or commas).
- Addresses alone: `budi@bps.go.id; siti@kemenag.go.id`, or one per line, or with spaces.
- Rows copied from a spreadsheet (cells separated by tabs): name, email and agency in any
  order; the cell with the address is the email, and a header row (Nama, Email, Instansi …)
  names the other columns, else the first other cell is the name and the next the agency;
  a line without a tab among the rows is read as recipients, as above.

Each address counts once (the first time it is pasted, in any case) and keeps the name and
agency pasted with it; what is neither an address nor a name with one is listed as malformed.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import getaddresses

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from core.text import one_line

_LINE_SEPARATORS = re.compile(r"[\n;]+")
_SPACES = re.compile(r"[\s,]+")
_HEADER_WORDS = {
    "name": ("nama", "name", "nama lengkap", "full name"),
    "agency": ("instansi", "agency", "lembaga", "kementerian/lembaga", "k/l", "organisasi"),
    "email": ("email", "e-mail", "surel", "alamat email", "alamat surel"),
}


@dataclass(frozen=True)
class Pasted:
    """One person pasted: their address (lower case) and the name and agency pasted with it."""

    email: str
    name: str = ""
    agency: str = ""


@dataclass
class PastedPeople:
    people: list[Pasted] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)

    @property
    def emails(self) -> list[str]:
        return [person.email for person in self.people]

    def by_email(self) -> dict[str, Pasted]:
        return {person.email: person for person in self.people}


def parse_pasted(text: str) -> PastedPeople:
    """The people in what was pasted (see the module's docstring), each address once."""
    result = PastedPeople()
    seen: set[str] = set()
    rows = [line for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    if any("\t" in row for row in rows):
        found = _spreadsheet(rows, result)
    else:
        found = _addresses(text, result)
    for person in found:
        if person.email not in seen:
            seen.add(person.email)
            result.people.append(person)
    return result


def _valid(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def _clean(text: str) -> str:
    return one_line(one_line(text).strip('"').strip("'"))


def _addresses(text: str, result: PastedPeople) -> list[Pasted]:
    found = []
    parts: Sequence[tuple[str | None, str]]
    for chunk in _LINE_SEPARATORS.split(text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if "<" not in chunk and '"' not in chunk:
            parts = [(None, part) for part in _SPACES.split(chunk) if part]
        else:
            parts = getaddresses([chunk])
        for name, address in parts:
            address = address.strip().strip("<>").lower()
            if address and _valid(address):
                found.append(Pasted(email=address, name=_clean(name or "")))
            else:
                result.malformed.append(f"{name} <{address}>" if name else address or chunk)
    return found


def _spreadsheet(rows: list[str], result: PastedPeople) -> list[Pasted]:
    # A line without a tab among the rows (an Outlook line pasted before or after them) is
    # read as recipients, so that none of its addresses is dropped.
    tables: list[list[str] | str] = [
        [cell.strip() for cell in row.split("\t")] if "\t" in row else row
        for row in rows
        if row.strip()
    ]
    columns: dict[str, int] = {}
    known = {word for words in _HEADER_WORDS.values() for word in words}
    first = next((row for row in tables if isinstance(row, list)), None)
    if first is not None and any(cell.lower() in known for cell in first):
        tables.remove(first)
        header = [cell.lower() for cell in first]
        for name, words in _HEADER_WORDS.items():
            for index, cell in enumerate(header):
                if cell in words:
                    columns.setdefault(name, index)
    found = []
    for cells in tables:
        if isinstance(cells, str):
            found.extend(_addresses(cells, result))
            continue
        at = columns.get("email")
        if at is None or at >= len(cells) or "@" not in cells[at]:
            at = next((i for i, cell in enumerate(cells) if "@" in cell), None)
        if at is None:
            result.malformed.append(" ".join(cell for cell in cells if cell))
            continue
        name_, address = getaddresses([cells[at]])[0] if "<" in cells[at] else ("", cells[at])
        address = address.strip().lower()
        if not _valid(address):
            result.malformed.append(cells[at])
            continue
        others = [i for i, cell in enumerate(cells) if i != at and cell]
        name_at = columns.get("name", others[0] if others else None)
        agency_at = columns.get(
            "agency", next((i for i in others if i != name_at), None) if others else None
        )
        found.append(
            Pasted(
                email=address,
                name=_clean(_cell(cells, name_at) or name_),
                agency=_clean(_cell(cells, agency_at)),
            )
        )
    return found


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""
