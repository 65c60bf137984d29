"""Opening a secret link from a request (an answer link, an action's progress link): forged
links are counted per client address, and after too many misses every link of that kind is
refused from that address for a while, so secrets cannot be guessed page by page."""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from .counters import count_one
from .http import client_ip

# Forged links from one address before it is refused even valid ones, for MISS_WINDOW seconds.
MISSES_ALLOWED = 30
MISS_WINDOW = 600

Found = TypeVar("Found")


def open_secret_link(request, kind: str, lookup: Callable[[], Found | None]) -> Found | None:
    """What `lookup()` finds for the link, or None when it finds nothing or this address has
    missed too often. `kind` keeps each kind of link's misses apart."""
    key = f"{kind}-miss:{client_ip(request)}"
    if cache.get(key, 0) >= MISSES_ALLOWED:
        return None
    found = lookup()
    if found is None:
        count_one(key, MISS_WINDOW)
    return found
