"""Counters in the cache for limits per address or per person: how many times, this window."""

from django.core.cache import cache


def count_one(key: str, window: int) -> int:
    """Add one to the counter `key`, which lives `window` seconds from its first count; return
    its new value."""
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # it expired between add and incr
        cache.set(key, 1, window)
        return 1
