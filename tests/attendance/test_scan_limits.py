"""How fast a desk may scan, counted from the audit: per operator link, per operator account,
over a window that slides, and with no counter outside the database."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from attendance import services
from attendance.models import ScanAttempt
from attendance.services.scan_limits import RateLimit, scan_rate_limit
from core.secrets import new_secret
from tests.members.factories import UserFactory
from tests.support.found import present
from tests.support.meetings import meeting_going_on_now

Result = ScanAttempt.Result


@pytest.fixture(autouse=True)
def three_a_minute(settings):
    settings.CHECKIN_SCAN_RATE_LIMIT = (3, 60)


@pytest.fixture
def meeting(db):  # noqa: ARG001 (requested for its effect)
    return meeting_going_on_now()


def link_scans(meeting, secret: str, count: int) -> list[str]:
    session = meeting.sessions.get()
    return [
        services.scan_ticket(
            desk=present(services.scan_desk_for_link(secret=secret, session_id=session.pk)),
            content=new_secret(),
        ).status
        for _ in range(count)
    ]


def operator_scans(meeting, operator, count: int) -> list[str]:
    session = meeting.sessions.get()
    return [
        services.scan_ticket(
            desk=present(
                services.scan_desk(meeting=meeting, session_id=session.pk, operator=operator)
            ),
            content=new_secret(),
        ).status
        for _ in range(count)
    ]


def test_a_desk_may_scan_ten_times_a_second(settings):
    del settings.CHECKIN_SCAN_RATE_LIMIT

    assert scan_rate_limit() == RateLimit(attempts=10, window=timedelta(seconds=1))


def test_the_fourth_scan_a_minute_from_one_link_is_refused_and_other_desks_go_on(meeting):
    _flooding, flooding_secret = services.create_operator_link(
        meeting=meeting, label="Meja 1", created_by=None
    )
    _other, other_secret = services.create_operator_link(
        meeting=meeting, label="Meja 2", created_by=None
    )
    andi = UserFactory.create()

    assert (
        link_scans(meeting, flooding_secret, 5) == [Result.INVALID] * 3 + [Result.RATE_LIMITED] * 2
    )
    assert link_scans(meeting, other_secret, 1) == [Result.INVALID]
    assert operator_scans(meeting, andi, 4) == [Result.INVALID] * 3 + [Result.RATE_LIMITED]


def test_attempts_older_than_the_window_no_longer_count(meeting):
    _link, secret = services.create_operator_link(meeting=meeting, label="Meja 1", created_by=None)
    link_scans(meeting, secret, 3)
    ScanAttempt.objects.update(recorded_at=F("recorded_at") - timedelta(seconds=61))

    assert link_scans(meeting, secret, 1) == [Result.INVALID]


def test_refused_attempts_count_too_so_a_guesser_who_keeps_on_stays_stopped(meeting):
    _link, secret = services.create_operator_link(meeting=meeting, label="Meja 1", created_by=None)
    link_scans(meeting, secret, 3)
    # The first three leave the window; the refused ones after them are still in it.
    link_scans(meeting, secret, 3)
    ScanAttempt.objects.filter(result=Result.INVALID).update(
        recorded_at=timezone.now() - timedelta(seconds=61)
    )

    assert link_scans(meeting, secret, 1) == [Result.RATE_LIMITED]


def test_the_desk_scans_while_the_cache_is_down(settings, meeting):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
        }
    }
    _link, secret = services.create_operator_link(meeting=meeting, label="Meja 1", created_by=None)

    assert link_scans(meeting, secret, 1) == [Result.INVALID]
