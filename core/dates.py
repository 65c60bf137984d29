"""Moments as Indonesian officials write them, always in the meeting's own zone with its label:
"Kamis, 25 November 2021 · 08.00 WIB".

One helper for every page, email, PDF and export: a moment of a meeting (a session, a check-in,
a signature, an answer, a comment, a sending, an autosave) is shown in the meeting's zone and
says which zone it is (WIB, WITA, WIT, or the zone's own abbreviation elsewhere). The template
filters in core/templatetags/rakor.py call these functions. Exports write `export_local` for
the reader and `export_iso` (ISO 8601 with the offset, to the second) for sorting and
computing in a spreadsheet.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

INDONESIAN_ZONES = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def zone_label(zone_name: str, at: datetime | None = None) -> str:
    """WIB/WITA/WIT for Indonesia's zones, the zone's own abbreviation elsewhere."""
    if zone_name in INDONESIAN_ZONES:
        return INDONESIAN_ZONES[zone_name]
    moment = (at or timezone.now()).astimezone(ZoneInfo(zone_name))
    return moment.tzname() or zone_name


def format_zone(zone_name: str) -> str:
    """Asia/Makassar (WITA); a zone that has no shorter name than its own, as it is."""
    label = zone_label(zone_name)
    return f"{zone_name} ({label})" if label != zone_name else zone_name


def format_day(value: datetime, zone_name: str | None = None) -> str:
    """Kamis, 25 November 2021"""
    local = _localize(value, zone_name)
    return date_format(local, "l, j F Y")


def format_time(value: datetime, zone_name: str | None = None) -> str:
    """08.00 WIB"""
    zone_name = zone_name or timezone.get_current_timezone_name()
    local = _localize(value, zone_name)
    return f"{local:%H.%M} {zone_label(zone_name, value)}"


def format_moment(value: datetime, zone_name: str | None = None) -> str:
    """Kamis, 25 November 2021 · 08.00 WIB"""
    return f"{format_day(value, zone_name)} · {format_time(value, zone_name)}"


def format_stamp(value: datetime, zone_name: str | None = None, *, seconds: bool = False) -> str:
    """25 Nov 2021 08.00 WIB: when something happened (a check-in, a comment, a sending), short
    enough for a table or a list on a phone; with `seconds`, 25 Nov 2021 08.00.05 WIB (an audit
    trail, where several entries share a minute)."""
    local = _localize(value, zone_name)
    if not seconds:
        return f"{date_format(local, 'j M Y')} {format_time(value, zone_name)}"
    zone_name = zone_name or timezone.get_current_timezone_name()
    return f"{date_format(local, 'j M Y')} {local:%H.%M.%S} {zone_label(zone_name, value)}"


def export_local(value: datetime | None, zone_name: str | None = None) -> str:
    """The readable cell of an export: 2026-12-06 20.51 WITA (no seconds, no microseconds)."""
    if value is None:
        return ""
    return f"{_localize(value, zone_name):%Y-%m-%d} {format_time(value, zone_name)}"


def export_iso(value: datetime | None, zone_name: str | None = None) -> str:
    """The machine-readable cell of an export: 2026-12-06T20:51:00+08:00 (ISO 8601, the
    offset of the meeting's zone, whole seconds), which sorts and parses the same everywhere."""
    if value is None:
        return ""
    return _localize(value, zone_name).isoformat(timespec="seconds")


def _localize(value: datetime, zone_name: str | None) -> datetime:
    if zone_name:
        return value.astimezone(ZoneInfo(zone_name))
    return timezone.localtime(value)


def local_time_problem(moment: datetime):
    """Why the wall-clock `moment` (with its zone) cannot be taken as typed: it does not exist
    (the clocks go forward past it) or it exists twice (they go back over it); None when it
    can. Rakor refuses both rather than move the time silently."""
    zone = moment.tzinfo
    facts = {
        "time": f"{moment:%H.%M}",
        "day": date_format(moment.date(), "j F Y"),
        "zone": getattr(zone, "key", str(zone)),
    }
    round_trip = moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != moment.replace(tzinfo=None):
        return format_lazy(
            _("{time} does not exist on {day} in {zone}: the clocks go forward then."), **facts
        )
    if moment.replace(fold=0).utcoffset() != moment.replace(fold=1).utcoffset():
        return format_lazy(
            _("{time} occurs twice on {day} in {zone}: the clocks go back then."), **facts
        )
    return None
