"""Every zone lands on the same instant in every parser: icalendar, vobject, ics.py and ical.js
(Mozilla's, in Thunderbird and Nextcloud), in summer, in winter and on the nights the clocks
change, in the meeting's own year (where ical.js read Europe/Berlin an hour off)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from events.calendar import build_request
from events.snapshot import MeetingSnapshot
from tests.events.factories import InvitationFactory, MeetingFactory, SessionFactory
from tests.events.parsers import PARSERS, read_all, read_many

pytestmark = pytest.mark.django_db

ZONES = [
    "Europe/Berlin",
    "Europe/London",
    "Europe/Dublin",  # tzdata counts its winter as the daylight time
    "America/New_York",
    "America/Santiago",  # southern summer, changes at midnight
    "Australia/Sydney",
    "Australia/Lord_Howe",  # half an hour of summer time
    "Pacific/Chatham",  # +12:45 / +13:45
    "Africa/Casablanca",  # changes around Ramadan: no yearly rule
    "Asia/Jakarta",
    "Asia/Makassar",
    "Asia/Jayapura",
    "UTC",
]
YEAR = 2026


def moments(zone: str) -> list[datetime]:
    """Summer and winter mornings, and every hour from two before to three after each change
    of the year's offset (the skipped hour and the repeated one among them)."""
    tz = ZoneInfo(zone)
    found = [datetime(YEAR, 1, 15, 10, tzinfo=tz), datetime(YEAR, 7, 15, 10, tzinfo=tz)]
    hour = datetime(YEAR, 1, 1, tzinfo=UTC)
    while hour.year == YEAR:
        following = hour + timedelta(hours=1)
        if hour.astimezone(tz).utcoffset() != following.astimezone(tz).utcoffset():
            found += [following + timedelta(hours=h) for h in range(-2, 4)]
        hour = following
    return [moment.astimezone(UTC) for moment in found]


def test_every_parser_reads_every_zone_at_the_same_instant_all_year():
    files, expected = [], []
    for zone in ZONES:
        meeting = MeetingFactory.create(time_zone=zone, sessions=0)
        starts = moments(zone)
        for start in starts:
            SessionFactory.create(
                meeting=meeting, starts_at=start, ends_at=start + timedelta(minutes=30)
            )
        invitation = InvitationFactory.create(meeting=meeting)
        snapshot = MeetingSnapshot.of(meeting)
        for session in snapshot.sessions:
            files.append(build_request(meeting=snapshot, session=session, invitations=[invitation]))
            expected.append((zone, session.starts_at, session.ends_at))

    wrong = [
        (zone, parser, start, read.start)
        for (zone, start, end), reads in zip(expected, read_many(files), strict=True)
        for parser, [read] in reads.items()
        if (read.start, read.end) != (start, end)
    ]

    assert wrong == []
    assert len(expected) > 4 * len(ZONES)


def test_ical_js_reads_a_berlin_meeting_in_its_own_summer_at_the_right_hour():
    meeting = MeetingFactory.create(
        time_zone="Europe/Berlin",
        sessions=1,
        sessions__first_day=date(YEAR, 7, 15),
        sessions__start_hour=10,
        sessions__end_hour=12,
    )
    invitation = InvitationFactory.create(meeting=meeting)
    snapshot = MeetingSnapshot.of(meeting)

    raw = build_request(meeting=snapshot, session=snapshot.sessions[0], invitations=[invitation])

    reads = {read.parser: read.start for read in read_all(raw)}
    assert reads == {parser: datetime(YEAR, 7, 15, 8, tzinfo=UTC) for parser in PARSERS}
    [vtimezone] = icalendar.Calendar.from_ical(raw).timezones
    for observance in vtimezone.subcomponents:
        # The shape Outlook reads, and the one ical.js does not get wrong: a yearly rule, and
        # no RDATE beside the DTSTART.
        assert "RRULE" in observance, observance.name
        assert "RDATE" not in observance, observance.name


def test_a_zone_without_a_yearly_rule_is_written_in_utc():
    meeting = MeetingFactory.create(time_zone="Africa/Casablanca", sessions=1)
    invitation = InvitationFactory.create(meeting=meeting)
    snapshot = MeetingSnapshot.of(meeting)

    raw = build_request(meeting=snapshot, session=snapshot.sessions[0], invitations=[invitation])

    assert b"BEGIN:VTIMEZONE" not in raw
    assert b"TZID=" not in raw
    for read in read_all(raw):
        assert read.start == snapshot.sessions[0].starts_at, read.parser
