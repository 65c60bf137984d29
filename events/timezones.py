"""The VTIMEZONE of a meeting's zone (RFC 5545 §3.6.5), written so that every calendar reads the
same instants: in summer, in winter and on the nights the clocks change.

Each observance (standard or daylight time with its offsets and name) whose changes fall every
year on the same weekday of the same month at the same local time is written the way Outlook,
Google Calendar and Apple Calendar write their own: DTSTART (the first change, in the local time
before it, as §3.6.5 wants) and a yearly RRULE such as `BYMONTH=3;BYDAY=-1SU`. Outlook reads only
that shape (MS-OXCICAL §2.1.3.1.1.19: one STANDARD and one DAYLIGHT, by their RRULE), and it
keeps ical.js right: ical.js ignores an observance's DTSTART as soon as it also has an RDATE,
which is how icalendar's `Timezone.from_tzid` writes each year's change, so it read a
Europe/Berlin meeting an hour off during the meeting's own year. A zone whose changes follow no
yearly rule has its meetings written in UTC; so has every moment on a day the clocks change
(see `in_zone`).

The changes are found from Python's zoneinfo (the IANA database), through the year before the
meeting's first year (so the rule in force on 1 January is covered) to the year after its last.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Observance:
    daylight: bool
    offset_from: timedelta
    offset_to: timedelta
    name: str


@dataclass(frozen=True)
class Change:
    observance: Observance
    onset: datetime  # local wall time before the change (naive), as DTSTART and RRULE count it


@lru_cache(maxsize=256)
def vtimezone_for(zone: str, *, first_year: int, last_year: int) -> Timezone | None:
    """The VTIMEZONE of `zone` for moments from `first_year` to `last_year`, built once and
    shared (callers add it to a calendar and never change it); None for a zone whose changes
    follow no yearly rule (Morocco's around Ramadan, a year its rules change): readers of
    one-off observances disagree, so those meetings are written in UTC."""
    tz = ZoneInfo(zone)
    scan_start = datetime(first_year - 1, 1, 1, tzinfo=UTC)
    changes = _changes(tz, scan_start, datetime(last_year + 2, 1, 1, tzinfo=UTC))
    component = Timezone()
    component.add("TZID", zone)
    if not changes:
        at = scan_start.astimezone(tz)
        offset = at.utcoffset() or timedelta()
        fixed = Observance(False, offset, offset, at.tzname() or zone)
        local_start = datetime(first_year - 1, 1, 1)  # noqa: DTZ001 local, as RFC 5545 wants
        component.add_component(_subcomponent(fixed, local_start, None))
        return component
    by_observance: dict[Observance, list[datetime]] = {}
    for change in changes:
        by_observance.setdefault(change.observance, []).append(change.onset)
    years = range(first_year - 1, last_year + 2)
    for observance, onsets in by_observance.items():
        rule = _yearly_rule(onsets, years)
        if rule is None:
            return None
        component.add_component(_subcomponent(observance, onsets[0], rule))
    return component


def _changes(tz: ZoneInfo, start: datetime, end: datetime) -> list[Change]:
    """Every change of offset or name between `start` and `end` (UTC), found a
    day at a time and then to the second."""
    changes = []
    moment, state = start, _state(tz, start)
    while moment < end:
        following = moment + timedelta(days=1)
        following_state = _state(tz, following)
        if following_state != state:
            low, high = moment, following  # state(low) == state, state(high) != state
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _state(tz, middle) == state:
                    low = middle
                else:
                    high = middle
            new_state = _state(tz, high)
            # Daylight time is the observance a change moves forward to: tzdata marks Irish
            # winter time as its daylight time (a negative saving), which calendars do not.
            observance = Observance(
                daylight=new_state[0] > state[0],
                offset_from=state[0],
                offset_to=new_state[0],
                name=new_state[1],
            )
            onset = (high + state[0]).replace(tzinfo=None, microsecond=0)
            changes.append(Change(observance, onset))
            moment, state = high, new_state
            continue
        moment, state = following, following_state
    return changes


def _state(tz: ZoneInfo, moment: datetime) -> tuple[timedelta, str]:
    local = moment.astimezone(tz)
    return local.utcoffset() or timedelta(), local.tzname() or ""


def _yearly_rule(onsets: list[datetime], years: range) -> dict | None:
    """{FREQ, BYMONTH, BYDAY} when there is one onset in each of `years`, all in the same month
    on the same weekday (its n-th, or its last, in the month) at the same time; else None."""
    if [onset.year for onset in onsets] != list(years):
        return None
    first = onsets[0]
    same = all(
        (onset.month, onset.weekday(), onset.time()) == (first.month, first.weekday(), first.time())
        for onset in onsets
    )
    if not same:
        return None
    weekday = WEEKDAYS[first.weekday()]
    if all(_is_last(onset) for onset in onsets):
        return {"FREQ": "YEARLY", "BYMONTH": first.month, "BYDAY": f"-1{weekday}"}
    nth = {(onset.day - 1) // 7 + 1 for onset in onsets}
    if len(nth) == 1:
        return {"FREQ": "YEARLY", "BYMONTH": first.month, "BYDAY": f"{nth.pop()}{weekday}"}
    return None


def _is_last(day: date) -> bool:
    return day.day + 7 > calendar.monthrange(day.year, day.month)[1]


def _subcomponent(
    observance: Observance, onset: datetime, rule: dict | None
) -> TimezoneStandard | TimezoneDaylight:
    subcomponent = TimezoneDaylight() if observance.daylight else TimezoneStandard()
    subcomponent.DTSTART = onset
    subcomponent.TZOFFSETFROM = observance.offset_from
    subcomponent.TZOFFSETTO = observance.offset_to
    if observance.name:
        subcomponent.add("TZNAME", observance.name)
    if rule is not None:
        subcomponent.add("RRULE", rule)
    return subcomponent


def in_zone(moment: datetime, zone: str) -> datetime:
    """`moment` for a calendar file: its local time in `zone`, or UTC on a day the clocks
    change there. Near a change, readers disagree about local times: one that occurs twice
    means its first occurrence (RFC 5545 §3.3.5), which ical.js reads as the second, and
    dateutil (ics.py) misplaces the hour after the change in zones whose tzdata counts winter
    as the daylight time (Europe/Dublin, Africa/Casablanca). An instant in UTC has one reading,
    and every calendar still shows it in its user's own time."""
    tz = ZoneInfo(zone)
    local = moment.astimezone(tz)
    day = local.date()
    midnight = datetime.combine(day, time(0), tzinfo=tz)
    next_midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    if midnight.utcoffset() != next_midnight.utcoffset():
        return moment.astimezone(UTC)
    return local
