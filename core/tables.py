"""Table columns shared by the apps' tables."""

import django_tables2 as tables
from django.utils.text import format_lazy

from .dates import export_iso, export_local, format_stamp


class MomentColumn(tables.Column):
    """A moment of a meeting (an answer, a check-in, a completion), in the meeting's zone with
    its label: "6 Des 2026 20.51 WITA" on the page, "2026-12-06 20.51 WITA" in an export.

    The zone is the table's `zone` when it shows one meeting, else the record's
    `zone_accessor` (by default its meeting's zone). Pair it with a MomentISOColumn so that a
    spreadsheet user can sort and compute."""

    def __init__(self, *args, zone_accessor: str = "meeting__time_zone", **kwargs):
        super().__init__(*args, **kwargs)
        self.zone_accessor = tables.A(zone_accessor)

    def zone(self, record, table) -> str | None:
        return getattr(table, "zone", None) or self.zone_accessor.resolve(record, quiet=True)

    def render(self, value, record, table):
        return format_stamp(value, self.zone(record, table))

    def value(self, value, record, table):
        return export_local(value, self.zone(record, table)) if value else ""


class MomentISOColumn(MomentColumn):
    """The same moment for exports only (hidden on the page): ISO 8601 with the offset of the
    meeting's zone, to the second, e.g. 2026-12-06T20:51:00+08:00."""

    def __init__(self, *args, verbose_name, **kwargs):
        kwargs.setdefault("visible", False)
        kwargs.setdefault("orderable", False)
        super().__init__(*args, verbose_name=format_lazy("{} (ISO 8601)", verbose_name), **kwargs)

    def value(self, value, record, table):
        return export_iso(value, self.zone(record, table)) if value else ""
