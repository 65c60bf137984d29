"""Opening a secret link from a request: the one way every secret in an address is looked up
(answer links, action-progress links, operator links, review links, calendar feeds, venue
codes), so that guessing secrets is counted alike everywhere.

- A link that opens something is never refused, whatever others at the same client address
  did (one office's NAT is many people), and costs no cache access at all.
- A wrong link (forged, mistyped, withdrawn, revoked) is counted per client address, all kinds
  together. Past WRONG_LINKS.allowed in its window, each further wrong link from that address
  is answered 429 with Retry-After instead of the plain "invalid link" page, and the first one
  over is logged for the administrator: the failures are counted and slowed, not the
  successes. Secrets carry 256 bits (venue codes 128), so guessing one is hopeless anyway; the
  limit is there to make a guesser visible and to tell it to stop.
"""

import logging
from collections.abc import Callable
from typing import TypeVar

from django.shortcuts import render

from .counters import Limit
from .http import client_ip, private

log = logging.getLogger(__name__)

# Wrong links from one client address before each further one is answered 429.
WRONG_LINKS = Limit("wrong-link", allowed=30, window=600)

# What a lookup finds, None included: typed as one variable so that a lookup answering a union
# (a desk or a link) keeps it.
Found = TypeVar("Found")


class TooManyWrongLinks(Exception):
    """This client address has opened too many wrong links lately (answered 429 by the
    middleware below)."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def open_secret_link(request, *, kind: str, secret: str, lookup: Callable[[str], Found]) -> Found:
    """What `lookup(secret)` finds, or None when it finds nothing: then the miss is counted,
    and past the limit TooManyWrongLinks is raised instead. `kind` names the link in the log."""
    found = lookup(secret)
    if found is None:
        address = client_ip(request)
        misses = WRONG_LINKS.count(address)
        if misses > WRONG_LINKS.allowed:
            if misses == WRONG_LINKS.allowed + 1:
                log.warning(
                    "%s wrong secret links from %s within %s s (the last one a %s link): "
                    "wrong links from there are refused for a while",
                    misses,
                    address,
                    WRONG_LINKS.window,
                    kind,
                )
            raise TooManyWrongLinks(retry_after=WRONG_LINKS.window)
    return found


class TooManyWrongLinksMiddleware:
    """Turns TooManyWrongLinks, from any view, into 429 Too Many Requests with Retry-After."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, TooManyWrongLinks):
            return None
        response = render(request, "429.html", status=429)
        response["Retry-After"] = str(exception.retry_after)
        return private(response)
