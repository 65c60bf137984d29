"""How fast one desk may scan: at most so many attempts in any window of so many seconds, per
desk (an operator link, or a signed-in operator's account), so that guessing tickets is slow
and a phone scanning ten codes a second is stopped.

The count is the desk's latest attempts in the audit, which records every one (refused ones
included): the scan needs no counter elsewhere, and the count is part of the
scan's first query (scan_reads.desk_session). So:
- attempts still being written by another worker are not seen yet: a burst can pass the limit
  by a few, which is enough to slow a guesser down;
- what writes no attempt is not counted: an offline scan uploaded again (answered from its
  first upload, it changes nothing) and a request naming no session of the desk's meeting;
- the window is measured by the web servers' clocks (recorded_at is theirs), which must agree
  to well within its length when there are several.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, Value

from attendance.models import ScanAttempt

# (attempts allowed, window in seconds), for each desk.
DEFAULT_SCAN_RATE_LIMIT = (10, 1)


@dataclass(frozen=True)
class RateLimit:
    attempts: int
    window: timedelta

    def since(self, now: datetime) -> datetime:
        """The start of the window that ends at `now`."""
        return now - self.window


def scan_rate_limit() -> RateLimit:
    attempts, seconds = getattr(settings, "CHECKIN_SCAN_RATE_LIMIT", DEFAULT_SCAN_RATE_LIMIT)
    return RateLimit(attempts=attempts, window=timedelta(seconds=seconds))


def desk_over_limit(*, now: datetime, operator=None, operator_link=None) -> Exists | Value:
    """Whether this desk has already made as many attempts as the window allows (the one it
    is making now is refused), as an expression for the scan's first query: is there an
    attempt of the desk in the window after skipping attempts - 1 of them. It reads no more
    than that many rows of the desk's index. A desk that is neither a link nor an account
    is not counted."""
    if operator_link is not None:
        attempts = ScanAttempt.objects.filter(operator_link=operator_link)
    elif operator is not None:
        attempts = ScanAttempt.objects.filter(operator=operator)
    else:
        return Value(False)
    limit = scan_rate_limit()
    recent = attempts.filter(recorded_at__gt=limit.since(now))
    return Exists(recent[limit.attempts - 1 : limit.attempts])
