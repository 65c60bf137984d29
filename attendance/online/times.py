"""The moments and durations the platforms write, in English and Indonesian locales.

Moments without a zone are the meeting's local time (what a host's account shows). Dates are
"11/25/2021" in English (month first) and "25/11/2021" in Indonesian; `day_first` says which,
and a file whose first numbers go above 12 proves it day-first whatever its language. Some
reports (Google Meet) write only the time of day: the session's date completes it.
"""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .tabular import Cell, text

_MONTHS = {
    **{
        m: i
        for i, m in enumerate(
            ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
        )
    },
    **{
        m: i
        for i, m in enumerate(
            ["jan", "feb", "mar", "apr", "mei", "jun", "jul", "agu", "sep", "okt", "nov", "des"], 1
        )
    },
    "agt": 8,
}
_NUMERIC = re.compile(
    r"^(?P<a>\d{1,4})[/.-](?P<b>\d{1,2})[/.-](?P<c>\d{2,4}),?\s+"
    r"(?P<h>\d{1,2})[:.](?P<m>\d{2})(?:[:.](?P<s>\d{2}))?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?"
)
_NAMED = re.compile(
    r"^(?:(?P<d1>\d{1,2})\s+(?P<mon1>[A-Za-z]{3})[a-z]*|(?P<mon2>[A-Za-z]{3})[a-z]*\s+(?P<d2>\d{1,2})),?"
    r"\s+(?P<y>\d{4}),?\s+(?P<h>\d{1,2})[:.](?P<m>\d{2})(?:[:.](?P<s>\d{2}))?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?"
)
_TIME_ONLY = re.compile(
    r"^(?P<h>\d{1,2})[:.](?P<m>\d{2})(?:[:.](?P<s>\d{2}))?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?$"
)
_UNIT = re.compile(
    r"(?P<n>\d+(?:[.,]\d+)?)\s*(?P<unit>jam|j|hours?|hrs?|h|menit|mnt|minutes?|mins?|m|"
    r"detik|dtk|d|seconds?|secs?|s)\b",
    re.IGNORECASE,
)


class BadValue(ValueError):
    """A moment or duration that cannot be read."""


def first_numbers_over_twelve(values: list[Cell]) -> bool:
    """Whether any of these date texts starts with a number above 12 (so it is day-first)."""
    for value in values:
        match = _NUMERIC.match(text(value)) if isinstance(value, str) else None
        if match and len(match["a"]) <= 2 and int(match["a"]) > 12:
            return True
    return False


def _hour(h: str, ampm: str | None) -> int:
    hour = int(h)
    if ampm:
        pm = ampm[0].lower() == "p"
        hour = hour % 12 + (12 if pm else 0)
    return hour


def _year(y: str) -> int:
    year = int(y)
    return year + 2000 if year < 100 else year


def parse_moment(value: Cell, *, zone: str, day: date, day_first: bool) -> datetime:
    """An aware datetime from a report's cell."""
    tz = ZoneInfo(zone)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, time):
        return datetime.combine(day, value, tzinfo=tz)
    raw = text(value)
    if not raw:
        raise BadValue(raw)
    try:
        moment = datetime.fromisoformat(raw)
        return moment if moment.tzinfo else moment.replace(tzinfo=tz)
    except ValueError:
        pass
    match = _NUMERIC.match(raw)
    if match:
        a, b, c = match["a"], int(match["b"]), match["c"]
        if len(a) == 4:  # 2021/11/25
            year, month, dom = int(a), b, int(c)
        elif day_first:
            dom, month, year = int(a), b, _year(c)
        else:
            month, dom, year = int(a), b, _year(c)
        return _build(year, month, dom, match, tz, raw)
    match = _NAMED.match(raw)
    if match:
        named = _MONTHS.get((match["mon1"] or match["mon2"]).lower())
        if named is None:
            raise BadValue(raw)
        dom = int(match["d1"] or match["d2"])
        return _build(int(match["y"]), named, dom, match, tz, raw)
    match = _TIME_ONLY.match(raw)
    if match:
        return _build(day.year, day.month, day.day, match, tz, raw)
    raise BadValue(raw)


def _build(year, month, dom, match, tz, raw) -> datetime:
    try:
        return datetime(
            year,
            month,
            dom,
            _hour(match["h"], match["ampm"]),
            int(match["m"]),
            int(match["s"] or 0),
            tzinfo=tz,
        )
    except ValueError as error:
        raise BadValue(raw) from error


def parse_duration(value: Cell) -> timedelta:
    """ "95", "95 min", "1h 35m 10s", "1 jam 35 mnt", "1 hr 35 min", "01:35:10"."""
    if isinstance(value, int | float):
        return timedelta(minutes=float(value))
    if isinstance(value, time):
        return timedelta(hours=value.hour, minutes=value.minute, seconds=value.second)
    raw = text(value)
    if not raw:
        raise BadValue(raw)
    if re.fullmatch(r"\d+(?:[.,]\d+)?", raw):
        return timedelta(minutes=float(raw.replace(",", ".")))
    clock = re.fullmatch(r"(\d{1,3}):(\d{2})(?::(\d{2}))?", raw)
    if clock:
        return timedelta(hours=int(clock[1]), minutes=int(clock[2]), seconds=int(clock[3] or 0))
    total = timedelta()
    found = False
    for part in _UNIT.finditer(raw):
        found = True
        amount = float(part["n"].replace(",", "."))
        unit = part["unit"].lower()
        if unit in ("jam", "j", "h") or unit.startswith(("hour", "hr")):
            total += timedelta(hours=amount)
        elif unit in ("m", "mnt", "menit") or unit.startswith("min"):
            total += timedelta(minutes=amount)
        else:
            total += timedelta(seconds=amount)
    if not found:
        raise BadValue(raw)
    return total
