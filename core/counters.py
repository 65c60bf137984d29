"""Limits per address or per person, counted in the cache: at most `allowed` times in a window
of `window` seconds from the first count. Every limit of Rakor that counts in the cache is one
of these (wrong secret links, walk-in registrations, registration codes); a check-in desk's
scans are counted from the audit of its attempts instead (attendance.services.scan_limits)."""

from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    name: str
    allowed: int
    window: int  # seconds

    def key(self, who: str) -> str:
        return f"limit:{self.name}:{who}"

    def reached(self, who: str) -> bool:
        """True when `who` has already been counted `allowed` times this window."""
        return cache.get(self.key(who), 0) >= self.allowed

    def count(self, who: str) -> int:
        """Count one for `who`; return how many times this window, this one included."""
        key = self.key(who)
        cache.add(key, 0, self.window)
        try:
            return cache.incr(key)
        except ValueError:  # it expired between add and incr
            cache.set(key, 1, self.window)
            return 1
