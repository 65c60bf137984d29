"""What a scan reads before it writes, in one short query however large the meeting and its
audit: the desk (who scans into which session, and whether it has reached its rate limit) and
the holder of the ticket it scans (with their check-in for the session, if any). Checking in by
hand, and a scan that lost a race to another desk, read the holder alone.

The statements are plain SQL (joins on keys, a scalar subquery, one EXISTS with LIMIT and
OFFSET) that SQLite and PostgreSQL run alike, through Django's cursor: for the busiest request
of the day, building the ORM queries they replace cost four times what running them costs
(bench/checkin_profile.py before: 2.2 of a scan's 4.7 ms of Python went into building its two
reads). They name the models' tables and columns; the tests run each on both databases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import overload

from django.db import connection
from django.db.models import Max
from django.utils import timezone

from attendance.models import OperatorLink
from core.secrets import SECRET_SHAPE, hash_secret
from events.models import Meeting, Session
from members.models import User

from .scan_limits import NOT_COUNTED, desk_over_limit

# The statements, completed by _statement: {limited} is the desk's rate limit (scan_limits.py),
# {holder_columns} and {holder_joins} read the holder of a ticket or an invitation for a
# session: the invitation, its member and their agency, and their check-in for the session if
# any, through primary keys, the ticket's unique secret and the check-in's unique (invitation,
# session), the session's id given again so that PostgreSQL's planner sees that key whatever
# its statistics; all NULL when there is no such holder.
_HOLDER_COLUMNS = """i.id, i.meeting_id, i.withdrawn_at, i.answer, p.full_name, g.name, p.position,
    c.id, c.at, c.operator_name, c.nonce, c.method"""
_HOLDER_JOINS = """LEFT JOIN events_invitation i ON i.id = {invitation}
LEFT JOIN members_member p ON p.id = i.member_id
LEFT JOIN members_agency g ON g.id = p.agency_id
LEFT JOIN attendance_checkin c ON c.invitation_id = i.id AND c.session_id = %s"""
_BY_TICKET = "(SELECT t.invitation_id FROM attendance_ticket t WHERE t.secret = %s)"
_BY_INVITATION = "%s"
# The link (standing, not revoked), its meeting and the session, with the link's rate limit,
# and the holder of the ticket scanned.
_LINK_DESK = """
SELECT s.meeting_id, m.time_zone, s.title, s.starts_at, s.ends_at, l.id, l.label, {limited},
    {holder_columns}
FROM attendance_operatorlink l
JOIN events_session s ON s.meeting_id = l.meeting_id
JOIN events_meeting m ON m.id = l.meeting_id
{holder_joins}
WHERE l.secret_hash = %s AND l.revoked_at IS NULL AND s.id = %s
"""
# A session of a meeting already at hand, with the desk's rate limit, and the holder of the
# ticket scanned.
_SESSION_DESK = """
SELECT s.title, s.starts_at, s.ends_at, {limited}, {holder_columns}
FROM events_session s
{holder_joins}
WHERE s.id = %s AND s.meeting_id = %s
"""
# The holder alone.
_HOLDER = """
SELECT {holder_columns}
FROM events_session s
{holder_joins}
WHERE s.id = %s
"""


def _statement(template: str, *, limited: str = NOT_COUNTED, invitation=_BY_TICKET) -> str:
    """A statement above, completed: only this module's own SQL goes into its text."""
    return template.format(
        limited=limited,
        holder_columns=_HOLDER_COLUMNS,
        holder_joins=_HOLDER_JOINS.format(invitation=invitation),
    )


@dataclass(frozen=True)
class Holder:
    """An invitation as the door sees it: whose, whether it stands, and the person's check-in
    for the session (`prior_…`, all None when they have none)."""

    pk: int
    meeting_id: int
    withdrawn_at: datetime | None
    answer: str
    full_name: str
    agency: str | None
    position: str
    prior_id: int | None
    prior_at: datetime | None
    prior_by: str | None
    prior_nonce: str | None
    prior_method: str | None


@dataclass(frozen=True)
class Desk:
    """Who scans into which session: an operator account or an operator link (whose label
    names the check-ins it makes), whether the desk has already made as many attempts as its
    rate limit allows (`limited`), and the holder of the ticket it is scanning (`ticket`), read
    with it."""

    meeting_id: int
    time_zone: str
    session_id: int
    session_title: str
    starts_at: datetime
    ends_at: datetime
    operator: User | None
    link_id: int | None
    operator_name: str
    limited: bool = False
    ticket: str | None = None
    ticket_holder: Holder | None = None

    def holder_of(self, ticket: str) -> Holder | None:
        """The holder of the ticket whose secret is `ticket`, as read with the desk when it is
        the one the desk was read for."""
        if ticket == self.ticket:
            return self.ticket_holder
        return find_holder(session_id=self.session_id, ticket_secret=ticket)

    def meeting_ends_at(self) -> datetime:
        """When the whole meeting ends (the desk takes check-ins until then): read only when a
        scan comes after this session's own end."""
        ends = Session.objects.filter(meeting_id=self.meeting_id).aggregate(end=Max("ends_at"))
        return ends["end"]


def scan_desk(
    *,
    meeting: Meeting,
    session_id: int | None,
    operator: User | None = None,
    operator_link: OperatorLink | None = None,
    counted: bool = True,
    ticket: str | None = None,
) -> Desk | None:
    """The desk of an operator account (or of a link already looked up) scanning into the
    session `session_id` of `meeting`, or None when the meeting has no such session. With
    `counted`, whether the desk has reached its rate limit; with `ticket`, the holder of the
    ticket it is scanning (Desk.holder_of). One query."""
    if session_id is None:
        return None
    limited, params = NOT_COUNTED, list[object]()
    desk = ("operator", operator.pk) if operator is not None else None
    if operator_link is not None:
        desk = desk or ("link", operator_link.pk)
    if counted and desk is not None:
        kind, desk_id = desk
        limited, counts = desk_over_limit(kind=kind, desk="%s", now=timezone.now())
        params = [desk_id, *counts]
    ticket = _ticket(ticket)
    found = _first_row(
        _statement(_SESSION_DESK, limited=limited),
        [*params, ticket, session_id, session_id, meeting.pk],
    )
    if found is None:
        return None
    title, starts_at, ends_at, over, *holder = found
    if operator is not None:
        name = getattr(operator, "name", "") or operator.email
    else:
        name = operator_link.label if operator_link is not None else ""
    return Desk(
        meeting_id=meeting.pk,
        time_zone=meeting.time_zone,
        session_id=session_id,
        session_title=title,
        starts_at=_aware(starts_at),
        ends_at=_aware(ends_at),
        operator=operator,
        link_id=operator_link.pk if operator_link is not None else None,
        operator_name=name[:200],
        limited=bool(over),
        ticket=ticket,
        ticket_holder=_holder(holder),
    )


def scan_desk_for_link(
    *, secret: str, session_id: int | None, ticket: str | None = None
) -> Desk | None:
    """The desk of the standing operator link `secret` scanning into the session
    `session_id` of the link's meeting, with its rate limit and the holder of `ticket`, or
    None (a forged, mistyped or revoked link, or no such session). One query: the link, its
    meeting and the session, the ticket's holder."""
    if session_id is None or not secret or not SECRET_SHAPE.fullmatch(secret):
        return None
    limited, params = desk_over_limit(kind="link", desk="l.id", now=timezone.now())
    ticket = _ticket(ticket)
    found = _first_row(
        _statement(_LINK_DESK, limited=limited),
        [*params, ticket, session_id, hash_secret(secret), session_id],
    )
    if found is None:
        return None
    meeting_id, zone, title, starts_at, ends_at, link_id, label, over, *holder = found
    return Desk(
        meeting_id=meeting_id,
        time_zone=zone,
        session_id=session_id,
        session_title=title,
        starts_at=_aware(starts_at),
        ends_at=_aware(ends_at),
        operator=None,
        link_id=link_id,
        operator_name=label[:200],
        limited=bool(over),
        ticket=ticket,
        ticket_holder=_holder(holder),
    )


def find_holder(
    *, session_id: int, ticket_secret: str | None = None, invitation_id: int | None = None
) -> Holder | None:
    """The holder of the ticket whose secret is `ticket_secret` (of any meeting: the rules
    refuse another meeting's ticket by name), or the invitation `invitation_id`. One query."""
    key: str | int | None
    if ticket_secret is not None:
        sql, key = _statement(_HOLDER), ticket_secret
    else:
        sql, key = _statement(_HOLDER, invitation=_BY_INVITATION), invitation_id
    found = _first_row(sql, [key, session_id, session_id])
    return _holder(found) if found is not None else None


def _ticket(content: str | None) -> str | None:
    """What may be a ticket's secret: the holder's read is not even asked for anything else."""
    return content if content and SECRET_SHAPE.fullmatch(content) else None


def _holder(row) -> Holder | None:
    pk, meeting_id, withdrawn_at, answer, name, agency, position, *prior = row
    if pk is None:
        return None
    prior_id, prior_at, prior_by, prior_nonce, prior_method = prior
    return Holder(
        pk=pk,
        meeting_id=meeting_id,
        withdrawn_at=_aware(withdrawn_at),
        answer=answer,
        full_name=name,
        agency=agency,
        position=position,
        prior_id=prior_id,
        prior_at=_aware(prior_at),
        prior_by=prior_by,
        prior_nonce=prior_nonce,
        prior_method=prior_method,
    )


def _first_row(sql: str, params: list) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


@overload
def _aware(value: datetime) -> datetime: ...
@overload
def _aware(value: datetime | None) -> datetime | None: ...
def _aware(value: datetime | None) -> datetime | None:
    """A time read by plain SQL as the ORM would give it: SQLite keeps times without their
    zone, in the connection's (UTC)."""
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, connection.timezone)
