"""The scan rate counters in a real Redis, as in production (the other tests count in memory)."""

import os

import pytest
import redis
from django.core.cache import caches

from attendance.services import scan_limits

REDIS_URL = os.environ.get("RAKOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def _redis_is_up() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.ConnectionError:
        return False


pytestmark = pytest.mark.skipif(not _redis_is_up(), reason=f"no Redis at {REDIS_URL}")


@pytest.fixture
def in_redis(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    settings.CHECKIN_SCAN_RATE_LIMITS = ((3, 60),)
    server = redis.Redis.from_url(REDIS_URL)
    server.flushdb()
    yield server
    server.flushdb()
    caches["default"].close()


def scans_refused(count: int, **who) -> list[bool]:
    return [scan_limits.over_limit(**who) for _ in range(count)]


def test_the_fourth_scan_a_minute_from_one_desk_is_refused_and_other_desks_go_on(in_redis):
    assert scans_refused(5, link_hash="a" * 64) == [False, False, False, True, True]
    assert scans_refused(1, link_hash="b" * 64) == [False]
    assert scans_refused(4, client_ip="203.0.113.7") == [False, False, False, True]


def test_the_counters_expire_with_their_window(in_redis):
    scans_refused(1, link_hash="a" * 64)

    [key] = in_redis.keys("*scan-rate:link:*")
    assert 0 < in_redis.ttl(key) <= 61


def test_counting_goes_on_after_redis_forgot_the_script_or_dropped_the_connection(in_redis):
    assert scans_refused(1, link_hash="a" * 64) == [False]
    in_redis.script_flush()
    assert scans_refused(1, link_hash="a" * 64) == [False]
    in_redis.client_kill_filter(_type="normal", skipme=True)
    assert scans_refused(2, link_hash="a" * 64) == [False, True]
