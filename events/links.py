"""Opening an answer link from a request: every page reached by one counts forged links."""

from django.core.cache import cache

from . import services
from .models import Invitation

# Forged links from one address before it is refused even valid ones, for MISS_WINDOW seconds.
MISSES_ALLOWED = 30
MISS_WINDOW = 600


def invitation_for_link(request, secret: str) -> Invitation | None:
    """The invitation an answer link opens, or None; too many misses from one address and
    every link is refused for a while, so secrets cannot be guessed page by page."""
    key = f"answer-miss:{request.META.get('REMOTE_ADDR', '')}"
    if cache.get(key, 0) >= MISSES_ALLOWED:
        return None
    invitation = services.invitation_for_secret(secret)
    if invitation is None:
        cache.add(key, 0, MISS_WINDOW)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, MISS_WINDOW)
    return invitation
