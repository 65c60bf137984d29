"""The platforms whose participant reports Rakor reads, behind one interface (base.Platform):
`PLATFORMS[code]`, and `read_report` that checks the file is the chosen platform's and finds its
participants' table."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from ..tabular import Unreadable, read_rows
from .base import FIELD_LABELS, REQUIRED, Platform, Reading, ReportError, Stay, Table
from .meet import Meet
from .teams import Teams
from .zoom import Zoom

PLATFORMS: dict[str, Platform] = {p.code: p for p in (Zoom(), Meet(), Teams())}

__all__ = [
    "FIELD_LABELS",
    "PLATFORMS",
    "REQUIRED",
    "Parsed",
    "Platform",
    "Reading",
    "ReportError",
    "Stay",
    "Table",
    "read_report",
]


@dataclass
class Parsed:
    platform: Platform
    table: Table
    reading: Reading | None  # None while a required column is not mapped


def read_report(
    *, data: bytes, filename: str, platform: str | None, zone: str, day: date, mapping=None
) -> Parsed:
    """The report in `data` read as `platform`'s (None: whichever platform it is). ReportError
    for a file that is not a table, another platform's report, or one with no readable row."""
    try:
        rows = read_rows(data, filename)
    except Unreadable:
        raise ReportError(
            _(
                "This file cannot be read: upload the report as the platform exported it "
                "(CSV or XLSX)."
            )
        ) from None
    own = [p for p in PLATFORMS.values() if p.is_its_report(rows)]
    if platform is None:
        if len(own) != 1:
            raise ReportError(
                _("Which platform's report is this? Choose Zoom, Google Meet or Microsoft Teams.")
            )
        chosen = own[0]
    else:
        chosen = PLATFORMS[platform]
        if own and chosen not in own:
            raise ReportError(
                _(
                    "This is a %(found)s report, not a %(chosen)s one: choose %(found)s or "
                    "upload the %(chosen)s report."
                )
                % {"found": own[0].label, "chosen": chosen.label}
            )
    table = chosen.table(rows, mapping)
    if table.missing:
        reason = chosen.missing_reason(table)
        if reason:
            raise ReportError(reason)
        if not own and not mapping and len(table.columns) == 0 and len(table.headers) < 3:
            raise ReportError(
                _("This file is not a participant report of %(platform)s.")
                % {"platform": chosen.label}
            )
        return Parsed(platform=chosen, table=table, reading=None)
    reading = chosen.read(rows, table, zone=zone, day=day)
    if not reading.stays:
        raise ReportError(
            _(
                "No participant could be read from this report (no row with a name and join "
                "and leave times)."
            )
        )
    return Parsed(platform=chosen, table=table, reading=reading)
