"""PostgreSQL: a whole scan in one statement, one round trip.

It finds the desk (the meeting, session and operator link the scan is for), counts the desk's
attempts in the rate limit's window (scan_limits.py) and, unless that is already the limit,
finds the ticket and its holder, inserts the check-in unless one is already visible, and
writes the audit entry of an OK or an "already checked in" answer; then returns what it saw,
for checkin.py to turn into the operator's answer (and into the refusals, which it audits
itself). ON CONFLICT without a target also covers the nonce's unique constraint; a statement's
writes commit or fail together.

Two ways to name the desk:
- `run_for_desk`: the caller already holds the meeting and the session, and has checked that
  the session takes check-ins now (a signed-in operator, or any caller of scan_ticket);
- `run_for_link`: an operator link's secret hash and a session id, straight from the request;
  the statement itself checks that the link stands, that the session is its meeting's and
  that the session takes check-ins at the scan's time. No row: no such link with that session.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from attendance.models import REFUSED_ANSWERS, CheckIn, ScanAttempt
from core.db import prepared_cursor

from .scan_limits import scan_rate_limit

_DESK_GIVEN = """
desk AS (
    SELECT %(meeting)s::bigint AS meeting_id, %(session)s::bigint AS session_id,
           %(session_title)s::text AS session_title, %(time_zone)s::text AS time_zone,
           %(link)s::bigint AS link_id, %(operator_name)s::text AS operator_name,
           TRUE AS open
)"""

_DESK_BY_LINK = """
desk AS (
    SELECT l.meeting_id, s.id AS session_id, s.title AS session_title, m.time_zone,
           l.id AS link_id, left(l.label, 200) AS operator_name,
           %(at)s::timestamptz BETWEEN s.starts_at - %(opens_before)s::interval
               AND (SELECT MAX(e.ends_at) FROM events_session e
                    WHERE e.meeting_id = l.meeting_id) AS open
    FROM attendance_operatorlink l
    JOIN events_meeting m ON m.id = l.meeting_id
    JOIN events_session s ON s.meeting_id = l.meeting_id AND s.id = %(session)s::bigint
    WHERE l.secret_hash = %(link_hash)s::text AND l.revoked_at IS NULL
)"""

# The desk's attempts since the window began, read through (desk column, recorded_at) and
# no further than the limit.
_RECENT = """
, recent AS (
    SELECT count(*) >= %(limit)s::int AS limited FROM (
        SELECT 1 FROM attendance_scanattempt a
        WHERE a.{column} = {desk_key} AND a.recorded_at > %(since)s::timestamptz
        LIMIT %(limit)s::int
    ) counted
)"""
_RECENT_OF_LINK = _RECENT.format(column="operator_link_id", desk_key="(SELECT link_id FROM desk)")
_RECENT_OF_OPERATOR = _RECENT.format(column="operator_id", desk_key="%(operator)s::bigint")

# An offline scan uploaded again is found by its nonce in the audit (the partial index on
# non-empty nonces; "nonce <> ''" lets a generic plan use it); it writes nothing and is answered
# by the caller as the first time. A rate-limited first upload does not count: it was never
# looked at.
# The prior check-in is found through its unique key, led by the invitation: PostgreSQL keeps a
# prepared statement's generic plan for the connection's life, and one made while the table was
# nearly empty walked the session's index instead, reading every check-in of the session on
# each scan. "session_id + 0" leaves that index out of the choice.
_SCAN = """
, earlier AS (
    SELECT 1 FROM attendance_scanattempt a
    WHERE %(nonce)s::text IS NOT NULL AND a.nonce = %(nonce)s::text AND a.nonce <> ''
      AND a.meeting_id = (SELECT meeting_id FROM desk) AND a.result <> '{rate_limited}'
    LIMIT 1
), ticket AS (
    SELECT i.id AS invitation_id, i.meeting_id, i.withdrawn_at, i.answer,
           m.full_name, a.name AS agency, m.position,
           i.withdrawn_at IS NULL AND i.answer NOT IN ({refused}) AS stands
    FROM attendance_ticket t
    JOIN events_invitation i ON i.id = t.invitation_id
    JOIN members_member m ON m.id = i.member_id
    JOIN members_agency a ON a.id = m.agency_id
    WHERE t.secret = %(secret)s::text AND (SELECT open FROM desk)
      AND NOT (SELECT limited FROM recent) AND NOT EXISTS (SELECT 1 FROM earlier)
), prior AS (
    SELECT c.id, c.at, c.operator_name, c.nonce
    FROM attendance_checkin c
    WHERE c.invitation_id = (SELECT invitation_id FROM ticket)
      AND c.session_id + 0 = %(session)s::bigint
), added AS (
    INSERT INTO attendance_checkin (invitation_id, session_id, at, method, operator_id,
                                    operator_link_id, operator_name, nonce, recorded_at)
    SELECT ticket.invitation_id, desk.session_id, %(at)s::timestamptz, '{scan}',
           %(operator)s::bigint, desk.link_id, desk.operator_name, %(nonce)s::text,
           %(now)s::timestamptz
    FROM ticket JOIN desk ON desk.meeting_id = ticket.meeting_id
    WHERE ticket.stands AND NOT EXISTS (SELECT 1 FROM prior)
    ON CONFLICT DO NOTHING
    RETURNING id
), audited AS (
    -- OK when it went in; "already" when an earlier check-in was there (but not when this is
    -- the same offline scan uploaded again: that answer was audited the first time).
    INSERT INTO attendance_scanattempt (meeting_id, session_id, invitation_id, result,
                                        scanned_at, recorded_at, operator_id, operator_link_id,
                                        content_preview, nonce, detail)
    SELECT desk.meeting_id, desk.session_id, ticket.invitation_id,
           CASE WHEN EXISTS (SELECT 1 FROM added) THEN '{ok}' ELSE '{already}' END,
           %(at)s::timestamptz, %(now)s::timestamptz, %(operator)s::bigint, desk.link_id,
           %(preview)s::text, %(audit_nonce)s::text, ''
    FROM ticket JOIN desk ON desk.meeting_id = ticket.meeting_id
    WHERE EXISTS (SELECT 1 FROM added)
       OR (ticket.stands AND EXISTS (
               SELECT 1 FROM prior
               WHERE %(nonce)s::text IS NULL OR prior.nonce IS DISTINCT FROM %(nonce)s::text))
)
SELECT desk.meeting_id, desk.session_id, desk.session_title, desk.time_zone, desk.link_id,
       desk.operator_name, (SELECT limited FROM recent), desk.open,
       EXISTS (SELECT 1 FROM earlier),
       ticket.invitation_id, ticket.meeting_id, ticket.withdrawn_at, ticket.answer,
       ticket.stands, ticket.full_name, ticket.agency, ticket.position,
       (SELECT id FROM added), prior.id, prior.at, prior.operator_name, prior.nonce
FROM desk LEFT JOIN ticket ON TRUE LEFT JOIN prior ON TRUE
"""

# The rules' constants are part of the text (PostgreSQL plans them better and they need no
# binding on every scan); every value from a request is a parameter.
_SCAN = _SCAN.format(
    refused=", ".join(f"'{answer}'" for answer in REFUSED_ANSWERS),
    scan=CheckIn.Method.SCAN,
    ok=ScanAttempt.Result.OK,
    already=ScanAttempt.Result.ALREADY,
    rate_limited=ScanAttempt.Result.RATE_LIMITED,
)
FOR_LINK_SQL = "WITH" + _DESK_BY_LINK + _RECENT_OF_LINK + _SCAN
FOR_DESK_OF_LINK_SQL = "WITH" + _DESK_GIVEN + _RECENT_OF_LINK + _SCAN
FOR_DESK_OF_OPERATOR_SQL = "WITH" + _DESK_GIVEN + _RECENT_OF_OPERATOR + _SCAN


@dataclass(frozen=True)
class ScanRow:
    """What the statement saw. `limited`: the desk had made as many attempts as the window
    allows (nothing was looked up). `open` False: the session takes no check-in at the scan's
    time (nothing was looked up). `replayed`: this nonce's scan was uploaded before (nothing
    was looked up). No invitation_id otherwise: no ticket has that secret."""

    meeting_id: int
    session_id: int
    session_title: str
    time_zone: str
    link_id: int | None
    operator_name: str
    limited: bool
    open: bool
    replayed: bool
    invitation_id: int | None
    ticket_meeting_id: int | None
    withdrawn_at: datetime | None
    answer: str | None
    stands: bool | None
    name: str | None
    agency: str | None
    position: str | None
    added_id: int | None
    prior_id: int | None
    prior_at: datetime | None
    prior_by: str | None
    prior_nonce: str | None


def run_for_desk(*, meeting, session, link, operator, operator_name, **scan) -> ScanRow:
    params = {
        "meeting": meeting.pk,
        "session": session.pk,
        "session_title": session.title,
        "time_zone": meeting.time_zone,
        "link": link.pk if link is not None else None,
        "operator_name": operator_name,
    }
    sql = FOR_DESK_OF_LINK_SQL if link is not None else FOR_DESK_OF_OPERATOR_SQL
    return _run(sql, params, operator=operator, **scan)


def run_for_link(*, link_hash: str, session_id: int, opens_before: timedelta, **scan):
    params = {"link_hash": link_hash, "session": session_id, "opens_before": opens_before}
    return _run(FOR_LINK_SQL, params, operator=None, **scan)


def _run(sql, params, *, operator, secret, at, now, nonce, preview) -> ScanRow | None:
    limit = scan_rate_limit()
    params |= {
        "limit": limit.attempts,
        "since": limit.since(now),
        "secret": secret,
        "at": at,
        "now": now,
        "operator": operator.pk if operator is not None else None,
        "nonce": nonce or None,
        "audit_nonce": nonce or "",
        "preview": preview,
    }
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is not None and _kept_out_by_a_concurrent_scan(ScanRow(*row)):
            # The check-in that kept this one out was committed after this statement's
            # snapshot was taken: a new statement sees it, and audits the "already".
            cursor.execute(sql, params)
            row = cursor.fetchone()
    return ScanRow(*row) if row is not None else None


def _kept_out_by_a_concurrent_scan(row: ScanRow) -> bool:
    return (
        not row.limited
        and row.open
        and row.stands
        and row.ticket_meeting_id == row.meeting_id
        and row.added_id is None
        and row.prior_id is None
    )
