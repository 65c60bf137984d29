"""How fast one desk may scan: at most so many attempts in any window of so many seconds, per
desk (an operator link, or a signed-in operator's account), so that guessing tickets is slow
and a phone scanning ten codes a second is stopped.

The count is the desk's latest attempts in the audit, which records every one (refused ones
included): the scan needs no counter elsewhere, and the count is part of the scan's first
query (scan_reads.py). So:
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
from django.db import connection

from attendance.models import ScanAttempt

# (attempts allowed, window in seconds), for each desk.
DEFAULT_SCAN_RATE_LIMIT = (10, 1)

# Whether the desk has made `attempts` attempts since the window's start: is there one left
# after skipping attempts - 1 of them. It reads no more than that many rows of the desk's index
# (scan_attempt_by_link or scan_attempt_by_operator). {column} is one of DESK_COLUMNS, {desk}
# the SQL that names the desk's id in the query around it.
_OVER_LIMIT = (
    "EXISTS (SELECT 1 FROM attendance_scanattempt a WHERE a.{column} = {desk}"
    " AND a.recorded_at > %s LIMIT 1 OFFSET %s)"
)
DESK_COLUMNS = {"link": "operator_link_id", "operator": "operator_id"}
NOT_COUNTED = "1 = 0"


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


def desk_over_limit(*, kind: str, desk: str, now: datetime) -> tuple[str, list]:
    """Whether the desk has already made as many attempts as the window allows (the one it is
    making now is refused), as SQL for the scan's query and its parameters: `kind` is "link"
    or "operator", `desk` the SQL naming its id ("l.id", or "%s" followed by the id in the
    parameters the caller puts first)."""
    limit = scan_rate_limit()
    since = ScanAttempt._meta.get_field("recorded_at").get_db_prep_value(
        limit.since(now), connection
    )
    sql = _OVER_LIMIT.format(column=DESK_COLUMNS[kind], desk=desk)
    return sql, [since, limit.attempts - 1]
