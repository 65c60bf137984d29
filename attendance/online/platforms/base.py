"""What every platform's report reader shares: finding the participants' table by its headers
(known aliases, or the organizer's own mapping), and reading its rows as stays (one person, from
when to when).

A platform is a `Platform` with its aliases; the few that write more than one table or name
their people in two columns say so by overriding a method.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils.translation import gettext_lazy as _

from ..tabular import Cell, text
from ..times import BadValue, first_numbers_over_twelve, parse_duration, parse_moment

# What a reader needs from a report, and how the preview names each for a mapping by hand.
FIELD_LABELS = {
    "name": _("Name"),
    "email": _("Email"),
    "join": _("Join time"),
    "leave": _("Leave time"),
    "duration": _("Duration"),
}
REQUIRED = ("name", "join", "leave")


class ReportError(Exception):
    """A report that cannot be imported; `message` says why, in the user's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Stay:
    """One row of a report: a participant in the meeting from `start` to `end`."""

    line: int
    name: str
    email: str
    start: datetime
    end: datetime


@dataclass
class Table:
    """Where a report's participants are: its header row, and which column holds what."""

    header_index: int
    headers: list[str]
    columns: dict[str, int]  # field -> column index
    indonesian: bool = False

    @property
    def missing(self) -> list[str]:
        return [name for name in REQUIRED if name not in self.columns]


@dataclass
class Reading:
    stays: list[Stay] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # line numbers that could not be read


def fold(header: Cell) -> str:
    return " ".join(text(header).casefold().split())


class Platform:
    code = ""
    label = ""
    # field -> headers as the platform writes them (English, then Indonesian), casefolded.
    aliases: dict[str, tuple[str, ...]] = {}
    indonesian_aliases: dict[str, tuple[str, ...]] = {}
    # Headers only this platform writes: a file with them is this platform's report.
    signatures: tuple[str, ...] = ()

    def _columns(self, row: list[Cell], mapping: dict[str, str]) -> tuple[dict[str, int], bool]:
        folded = [fold(cell) for cell in row]
        columns: dict[str, int] = {}
        indonesian = False
        for name in FIELD_LABELS:
            wanted = mapping.get(name)
            if wanted:
                if fold(wanted) in folded:
                    columns[name] = folded.index(fold(wanted))
                continue
            for language, aliases in ((False, self.aliases), (True, self.indonesian_aliases)):
                for alias in aliases.get(name, ()):
                    if alias in folded and name not in columns:
                        columns[name] = folded.index(alias)
                        indonesian = indonesian or language
        return columns, indonesian

    def is_its_report(self, rows: list[list[Cell]]) -> bool:
        """Whether the file carries a header only this platform writes."""
        signatures = set(self.signatures)
        return any(fold(cell) in signatures for row in rows[:400] for cell in row)

    def table(self, rows: list[list[Cell]], mapping: dict[str, str] | None = None) -> Table:
        """The participants' table: the last header row that names every required field (a
        report may hold a summary first), else the row that names the most of them (for the
        organizer to map the rest)."""
        mapping = mapping or {}
        best: Table | None = None
        best_score = 0
        for index, row in enumerate(rows):
            if sum(1 for cell in row if text(cell)) < 2:
                continue
            columns, indonesian = self._columns(row, mapping)
            table = Table(index, [text(c) for c in row], columns, indonesian)
            score = sum(1 for name in REQUIRED if name in columns)
            if (score == len(REQUIRED) and self.prefer(rows, index, best)) or score > best_score:
                best, best_score = table, score
        if best is None:
            first = next(
                (i for i, row in enumerate(rows) if sum(1 for c in row if text(c)) >= 2), None
            )
            if first is None:
                raise ReportError(_("The file holds no table."))
            best = Table(first, [text(c) for c in rows[first]], {})
        return best

    def missing_reason(self, table: Table) -> str | None:  # noqa: ARG002 (a hook: see Teams)
        """Why a table this platform wrote lacks required columns, when the platform knows
        (an export option that leaves them out); None when the organizer may map them."""
        return None

    def prefer(self, rows, index: int, best: Table | None) -> bool:  # noqa: ARG002 (a hook)
        """Whether the complete header at `index` wins over `best` (by default the later one)."""
        return True

    def read(self, rows: list[list[Cell]], table: Table, *, zone: str, day: date) -> Reading:
        """The stays of the table's rows, until the first empty row."""
        columns = table.columns
        body = []
        for index in range(table.header_index + 1, len(rows)):
            row = rows[index]
            if not any(text(cell) for cell in row):
                break
            body.append((index + 1, row))
        joins = [self._cell(row, columns["join"]) for _line, row in body]
        day_first = table.indonesian or first_numbers_over_twelve(joins)
        reading = Reading()
        for line, row in body:
            try:
                reading.stays.append(self._stay(line, row, columns, zone, day, day_first))
            except BadValue:
                reading.skipped.append(line)
        return reading

    @staticmethod
    def _cell(row: list[Cell], index: int | None) -> Cell:
        if index is None or index >= len(row):
            return ""
        return row[index]

    def name_of(self, row: list[Cell], columns: dict[str, int]) -> str:
        return text(self._cell(row, columns.get("name")))

    def _stay(self, line, row, columns, zone, day, day_first) -> Stay:
        name = self.name_of(row, columns)
        email = text(self._cell(row, columns.get("email"))).lower()
        if not name and not email:
            raise BadValue("")
        start = parse_moment(
            self._cell(row, columns["join"]), zone=zone, day=day, day_first=day_first
        )
        leave_cell = self._cell(row, columns["leave"])
        duration = None
        if "duration" in columns and text(self._cell(row, columns["duration"])):
            duration = parse_duration(self._cell(row, columns["duration"]))
        if text(leave_cell) or isinstance(leave_cell, datetime):
            end = parse_moment(leave_cell, zone=zone, day=day, day_first=day_first)
            if end < start:  # a time of day past midnight
                end += timedelta(days=1)
            if duration is not None:
                # Reports of one row per person (Meet; Teams' participants list) give the first
                # join and the last leave: the time in between counts only as far as the
                # duration they measured.
                end = min(end, start + duration)
        elif duration is not None:
            end = start + duration
        else:
            raise BadValue("")
        return Stay(line=line, name=name, email=email if "@" in email else "", start=start, end=end)
