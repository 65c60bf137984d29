"""Which session the scanner, the venue screen, the dashboard and the attendance table open on
when none is asked for: one rule for all of them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from attendance.services.session_hours import current_session
from events.models import Session
from tests.support.found import present

WIB = ZoneInfo("Asia/Jakarta")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=WIB)


# A two-day meeting: day 1 08.00–16.00, day 2 08.00–12.00.
DAYS = [
    Session(title="Hari 1", starts_at=at(24, 8), ends_at=at(24, 16)),
    Session(title="Hari 2", starts_at=at(25, 8), ends_at=at(25, 12)),
]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(23, 20), "Hari 1"),  # the evening before: the next to come
        (at(24, 6, 30), "Hari 1"),  # open for check-in before it starts
        (at(24, 15), "Hari 1"),  # under way
        (at(24, 19), "Hari 2"),  # day 1 is over: tomorrow's
        (at(25, 7), "Hari 2"),
        (at(25, 13), "Hari 2"),  # all over: the last one
    ],
)
def test_the_current_session_is_the_one_under_way_else_the_next_else_the_last(now, expected):
    assert present(current_session(DAYS, now)).title == expected


def test_a_meeting_without_sessions_has_no_current_one():
    assert current_session([], at(24, 9)) is None


def test_of_two_sessions_under_way_at_once_the_earlier_one_is_current():
    plenary = Session(title="Pleno", starts_at=at(24, 9), ends_at=at(24, 12))
    committee = Session(title="Komisi", starts_at=at(24, 10), ends_at=at(24, 11))

    assert present(current_session([plenary, committee], at(24, 10, 30))).title == "Pleno"
