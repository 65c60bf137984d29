"""How fast one scanner may scan: fixed windows per operator account, per operator link and per
client address, counted in the cache (Redis in production), so that guessing tickets is slow
and a phone scanning ten codes a second is stopped."""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone

from core.counters import count_one

# (scans allowed, window in seconds), for each operator, link and address.
DEFAULT_SCAN_RATE_LIMITS = ((10, 1), (600, 60))

# Every counter in one round trip: INCR each key, giving a new key its lifetime.
_COUNT_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
    counts[i] = redis.call('INCR', key)
    if counts[i] == 1 then redis.call('EXPIRE', key, ARGV[i]) end
end
return counts
"""


def over_limit(*, operator=None, link_hash: str | None = None, client_ip: str | None = None):
    """Count one scan for each of who scans; True when any window is over its limit.
    `link_hash` is the operator link's stored secret hash."""
    who = []
    if operator is not None:
        who.append(f"user:{operator.pk}")
    if link_hash:
        who.append(f"link:{link_hash[:24]}")
    if client_ip:
        who.append(f"ip:{client_ip}")
    limits = getattr(settings, "CHECKIN_SCAN_RATE_LIMITS", DEFAULT_SCAN_RATE_LIMITS)
    now = int(timezone.now().timestamp())
    counters = [
        (f"scan-rate:{ident}:{window}:{now // window}", limit, window + 1)
        for ident in who
        for limit, window in limits
    ]
    counts = _count([(key, lifetime) for key, _limit, lifetime in counters])
    return any(count > limit for count, (_key, limit, _) in zip(counts, counters, strict=True))


def _count(keys: list[tuple[str, int]]) -> list[int]:
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return _count_in_redis(backend, keys)
    return [count_one(key, lifetime) for key, lifetime in keys]


def _count_in_redis(backend: RedisCache, keys: list[tuple[str, int]]) -> list[int]:
    # get_client() builds a new client object (on the same pool) on every call: keep one.
    script = getattr(backend._cache, "scan_count_script", None)
    if script is None:
        client = backend._cache.get_client(write=True)
        script = backend._cache.scan_count_script = client.register_script(_COUNT_SCRIPT)
    return script(
        keys=[backend.make_key(key) for key, _lifetime in keys],  # ours: short, plain ASCII
        args=[lifetime for _key, lifetime in keys],
    )
