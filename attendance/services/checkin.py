"""Checking people in at the door: scanning tickets, by hand, undoing; operators and their links.

The rules every check-in keeps:
- a scanned code counts only if it is, exactly, the secret of a ticket of this meeting;
- only an invitation that still stands and was not declined checks in;
- a session takes check-ins from CHECKIN_OPENS_BEFORE before it starts until the meeting ends;
- one check-in per person per session, kept by the database's unique constraint, so two
  operators scanning the same ticket at once record one check-in;
- an offline scan uploaded twice (same nonce) is one check-in, answered as the first time,
  and keeps the time it was scanned;
- every attempt, whatever its result, is written as a ScanAttempt for the organizers' audit.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.models import CheckIn, CheckInOperator, OperatorLink, ScanAttempt, Ticket
from core.dates import format_time
from core.secrets import hash_secret, new_secret
from events.models import Invitation, Meeting, Session

Result = ScanAttempt.Result

CHECKIN_OPENS_BEFORE = timedelta(hours=2)
# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=2)
PREVIEW_LENGTH = 12
# Tickets hold core.secrets.new_secret(): 43 URL-safe characters. Anything far from that shape
# is not looked up at all.
TICKET_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")
NONCE_SHAPE = re.compile(r"[A-Za-z0-9_-]{8,64}")
# (scans allowed, window in seconds) per operator or link, and per client address.
DEFAULT_SCAN_RATE_LIMITS = ((10, 1), (600, 60))


def _refused_answers() -> dict[str, str]:
    return {
        Invitation.Answer.NO: _("This person declined the invitation."),
        Invitation.Answer.REPRESENTED: _("This person sent a representative."),
        Invitation.Answer.WAITLISTED: _("This person is on the waiting list."),
    }


class CheckInError(Exception):
    """A request the operator's page should never send (a session of another meeting)."""


@dataclass
class ScanResult:
    """What the scanner shows: the status (a ScanAttempt.Result value), a sentence for the
    operator and, when the ticket is known, who it belongs to."""

    status: str
    detail: str = ""
    name: str = ""
    agency: str = ""
    position: str = ""
    session: str = ""
    checked_in_at: str = ""  # "08.12 WIB", in the meeting's zone
    checked_in_by: str = ""
    checkin_id: int | None = None

    def as_json(self) -> dict:
        return asdict(self)


# --- Scanning ---------------------------------------------------------------------------------
def scan_ticket(
    *,
    meeting: Meeting,
    session: Session,
    content: str,
    operator=None,
    operator_link: OperatorLink | None = None,
    scanned_at: datetime | None = None,
    nonce: str | None = None,
    client_ip: str | None = None,
) -> ScanResult:
    """Check in the holder of the ticket whose secret is `content` for `session`.

    Anything but a ticket secret of this meeting is refused with its reason; a second scan is
    answered "already checked in" with when and by whom; a repeated `nonce` (the offline
    queue uploading again) returns the first answer and writes nothing. Too many scans from
    one operator, link or address are refused before any lookup. Every other call writes one
    ScanAttempt.
    """
    if session.meeting_id != meeting.pk:
        raise CheckInError("session of another meeting")
    if nonce is not None and not NONCE_SHAPE.fullmatch(nonce):
        raise CheckInError("malformed nonce")
    now = timezone.now()
    scanned_at = _bounded(scanned_at, now)
    content = content or ""
    audit = {
        "meeting": meeting,
        "session": session,
        "operator": operator,
        "operator_link": operator_link,
        "scanned_at": scanned_at,
        "content_preview": content[:PREVIEW_LENGTH],
        "nonce": nonce or "",
    }
    if _rate_limited(operator=operator, operator_link=operator_link, client_ip=client_ip):
        return _refuse(audit, Result.RATE_LIMITED, _("Too many scans: wait a moment."))
    if nonce:
        earlier = _earlier_upload(meeting=meeting, nonce=nonce)
        if earlier is not None:
            return earlier
    if not TICKET_SHAPE.fullmatch(content):
        return _refuse(audit, Result.INVALID, _("This code is not a ticket."))
    # A closed session is rare: leave it to the ORM path, which orders the refusals.
    if connection.vendor == "postgresql" and not _closed_reason(session, scanned_at):
        return _scan_in_one_statement(audit, content, now)
    ticket = (
        Ticket.objects.select_related("invitation__member__agency").filter(secret=content).first()
    )
    if ticket is None:
        return _refuse(audit, Result.INVALID, _("This code is not a ticket."))
    return _check_in(
        invitation=ticket.invitation,
        session=session,
        method=CheckIn.Method.SCAN,
        audit=audit,
    )


def check_in_by_hand(
    *,
    invitation: Invitation,
    session: Session,
    operator=None,
    operator_link: OperatorLink | None = None,
) -> ScanResult:
    """Check in someone the operator found by name, agency or NIP (no ticket at hand), under
    the same rules as a scan; the attempt is audited like one."""
    if session.meeting_id != invitation.meeting_id:
        raise CheckInError("session of another meeting")
    audit = {
        "meeting": session.meeting,
        "session": session,
        "operator": operator,
        "operator_link": operator_link,
        "scanned_at": timezone.now(),
        "content_preview": "",
        "nonce": "",
    }
    return _check_in(
        invitation=invitation, session=session, method=CheckIn.Method.MANUAL, audit=audit
    )


@transaction.atomic
def undo_check_in(*, checkin: CheckIn, operator=None, operator_link: OperatorLink | None = None):
    """Take back a mistaken check-in: the check-in goes, an UNDONE attempt says who took it
    back and when. Undoing twice is harmless."""
    deleted, _rows = CheckIn.objects.filter(pk=checkin.pk).delete()
    if not deleted:
        return
    ScanAttempt.objects.create(
        meeting_id=checkin.session.meeting_id,
        session=checkin.session,
        invitation_id=checkin.invitation_id,
        result=Result.UNDONE,
        scanned_at=timezone.now(),
        operator=operator,
        operator_link=operator_link,
        detail=_("Check-in of %(at)s by %(by)s undone.")
        % {"at": _clock(checkin.at, checkin.session.meeting), "by": checkin.operator_name or "-"},
    )


def _check_in(*, invitation: Invitation, session: Session, method: str, audit: dict):
    meeting = session.meeting
    person = _person(invitation, session)
    if invitation.meeting_id != meeting.pk:
        return _refuse(
            audit,
            Result.OTHER_MEETING,
            _("This ticket is for another meeting."),
            invitation=None,
            person=person,
        )
    if invitation.withdrawn_at is not None:
        return _refuse(
            audit,
            Result.DECLINED,
            _("This invitation was withdrawn."),
            invitation=invitation,
            person=person,
        )
    refused = _refused_answers().get(invitation.answer)
    if refused:
        return _refuse(
            audit,
            Result.DECLINED,
            refused,
            invitation=invitation,
            person=person,
        )
    window = _closed_reason(session, audit["scanned_at"])
    if window:
        return _refuse(audit, Result.WRONG_SESSION, window, invitation=invitation, person=person)
    operator_name = _operator_name(audit["operator"], audit["operator_link"])
    # The check-in and its audit entry commit together. The check-in is the block's first
    # write, so when the unique constraint refuses it (a second scan, or two operators at the
    # same instant) the block rolls back alone: a savepoint inside a caller's transaction, a
    # transaction of its own otherwise. Then the existing row is read and reported.
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                invitation=invitation,
                session=session,
                at=audit["scanned_at"],
                method=method,
                operator=audit["operator"],
                operator_link=audit["operator_link"],
                operator_name=operator_name,
                nonce=audit["nonce"] or None,
            )
            result = _answer(Result.OK, checkin, person, meeting)
            _audit(audit, result, invitation)
        return result
    except IntegrityError:
        existing = CheckIn.objects.filter(invitation=invitation, session=session).first()
        return _not_inserted(audit, existing, invitation.pk, person)


def _not_inserted(audit: dict, existing: CheckIn | None, invitation_id: int, person: dict):
    """The answer when the unique constraints kept the check-in out: `existing` is the
    person's check-in for the session, if any."""
    meeting = audit["meeting"]
    if existing is None:  # the clash was the nonce: the same upload, raced with itself
        existing = CheckIn.objects.get(nonce=audit["nonce"])
        return _answer(Result.OK, existing, person, meeting)
    if audit["nonce"] and existing.nonce == audit["nonce"]:
        return _answer(Result.OK, existing, person, meeting)
    result = _answer(Result.ALREADY, existing, person, meeting)
    result.detail = _("Already checked in at %(at)s by %(by)s.") % {
        "at": result.checked_in_at,
        "by": result.checked_in_by or "-",
    }
    _audit(audit, result, invitation_id)
    return result


# PostgreSQL: one round trip finds the ticket and its holder, inserts the check-in (unless a
# committed one is already visible) and, only when it went in, its OK audit row. ON CONFLICT
# without a target also covers the nonce's unique constraint; a statement's writes commit or
# fail together, like the ORM path's atomic block.
SCAN_SQL = """
WITH ticket AS (
    SELECT i.id AS invitation_id, i.meeting_id, i.withdrawn_at, i.answer,
           m.full_name, a.name AS agency, m.position
    FROM attendance_ticket t
    JOIN events_invitation i ON i.id = t.invitation_id
    JOIN members_member m ON m.id = i.member_id
    JOIN members_agency a ON a.id = m.agency_id
    WHERE t.secret = %(secret)s::text
), prior AS (
    SELECT c.id, c.at, c.operator_name, c.nonce
    FROM attendance_checkin c
    WHERE c.invitation_id = (SELECT invitation_id FROM ticket)
      AND c.session_id = %(session)s::bigint
), added AS (
    INSERT INTO attendance_checkin (invitation_id, session_id, at, method, operator_id,
                                    operator_link_id, operator_name, nonce, recorded_at)
    SELECT invitation_id, %(session)s::bigint, %(at)s::timestamptz, 'scan', %(operator)s::bigint,
           %(link)s::bigint, %(operator_name)s::text, %(nonce)s::text, %(now)s::timestamptz
    FROM ticket
    WHERE meeting_id = %(meeting)s::bigint AND withdrawn_at IS NULL
      AND answer <> ALL(%(refused)s::text[])
      AND NOT EXISTS (SELECT 1 FROM prior)
    ON CONFLICT DO NOTHING
    RETURNING id, invitation_id
), audited AS (
    INSERT INTO attendance_scanattempt (meeting_id, session_id, invitation_id, result,
                                        scanned_at, recorded_at, operator_id, operator_link_id,
                                        content_preview, nonce, detail)
    SELECT %(meeting)s::bigint, %(session)s::bigint, invitation_id, 'ok', %(at)s::timestamptz,
           %(now)s::timestamptz, %(operator)s::bigint, %(link)s::bigint, %(preview)s::text,
           %(audit_nonce)s::text, ''
    FROM added
)
SELECT ticket.invitation_id, ticket.meeting_id, ticket.withdrawn_at, ticket.answer,
       ticket.full_name, ticket.agency, ticket.position,
       (SELECT id FROM added), prior.id, prior.at, prior.operator_name, prior.nonce
FROM ticket LEFT JOIN prior ON TRUE
"""


def _scan_in_one_statement(audit: dict, content: str, now: datetime) -> ScanResult:
    """scan_ticket's lookup and check-in for a session open now, on PostgreSQL: the same
    answers and rows as _check_in, in one statement on the usual path."""
    meeting, session = audit["meeting"], audit["session"]
    operator, link = audit["operator"], audit["operator_link"]
    refused_answers = _refused_answers()
    with _prepared_cursor() as cursor:
        cursor.execute(
            SCAN_SQL,
            {
                "secret": content,
                "session": session.pk,
                "meeting": meeting.pk,
                "at": audit["scanned_at"],
                "now": now,
                "operator": operator.pk if operator is not None else None,
                "link": link.pk if link is not None else None,
                "operator_name": _operator_name(operator, link),
                "nonce": audit["nonce"] or None,
                "audit_nonce": audit["nonce"],
                "preview": audit["content_preview"],
                "refused": list(refused_answers),
            },
        )
        row = cursor.fetchone()
    if row is None:
        return _refuse(audit, Result.INVALID, _("This code is not a ticket."))
    (invitation_id, meeting_id, withdrawn_at, answer, name, agency, position) = row[:7]
    added_id, prior_id, prior_at, prior_by, prior_nonce = row[7:]
    person = {"name": name, "agency": agency, "position": position, "session": session.title}
    if meeting_id != meeting.pk:
        return _refuse(
            audit, Result.OTHER_MEETING, _("This ticket is for another meeting."), person=person
        )
    if withdrawn_at is not None:
        return _refuse(
            audit,
            Result.DECLINED,
            _("This invitation was withdrawn."),
            invitation=invitation_id,
            person=person,
        )
    if answer in refused_answers:
        return _refuse(
            audit, Result.DECLINED, refused_answers[answer], invitation=invitation_id, person=person
        )
    if added_id is not None:
        added = CheckIn(
            pk=added_id, at=audit["scanned_at"], operator_name=_operator_name(operator, link)
        )
        return _answer(Result.OK, added, person, meeting)
    if prior_id is not None:
        existing = CheckIn(pk=prior_id, at=prior_at, operator_name=prior_by, nonce=prior_nonce)
    else:  # committed by a concurrent scan after this statement's snapshot was taken
        existing = CheckIn.objects.filter(invitation_id=invitation_id, session=session).first()
    return _not_inserted(audit, existing, invitation_id, person)


def _earlier_upload(*, meeting: Meeting, nonce: str) -> ScanResult | None:
    """The answer given to the first upload of this offline scan, or None if it is new."""
    attempt = (
        ScanAttempt.objects.select_related("invitation__member__agency", "session__meeting")
        .filter(meeting=meeting, nonce=nonce)
        .order_by("pk")
        .first()
    )
    if attempt is None:
        return None
    person = _person(attempt.invitation, attempt.session) if attempt.invitation else {}
    checkin = CheckIn.objects.filter(nonce=nonce).first()
    if attempt.result == Result.OK and checkin is not None:
        return _answer(Result.OK, checkin, person, meeting)
    return ScanResult(status=attempt.result, detail=attempt.detail, **person)


def _prepared_cursor():
    """On PostgreSQL, a cursor whose statements are planned once per connection and then
    reused (the scan statements cost more to plan than to run). The settings leave
    prepare_threshold off for the sake of connection poolers, so these few fixed statements
    ask for it themselves. Elsewhere, the usual cursor."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        # Only statements that ask (prepare=True) are prepared; the ORM's client-side
        # binding cursors never are.
        connection.connection.prepare_threshold = 2**31 - 1
    raw = _prepared_cursor_class()(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


@lru_cache(maxsize=1)
def _prepared_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        def execute(self, query, params=None, **kwargs):
            return super().execute(query, params, prepare=True)

    return PreparedCursor


def _refuse(audit, status, detail, *, invitation=None, person=None) -> ScanResult:
    result = ScanResult(status=status, detail=str(detail), **(person or {}))
    _audit(audit, result, invitation)
    return result


def _audit(audit: dict, result: ScanResult, invitation: Invitation | int | None) -> None:
    invitation_id = invitation.pk if isinstance(invitation, Invitation) else invitation
    if connection.vendor != "postgresql":
        ScanAttempt.objects.create(
            **audit, invitation_id=invitation_id, result=result.status, detail=result.detail[:300]
        )
        return
    # The same row as ScanAttempt.objects.create, without compiling the ORM's INSERT each time.
    operator, link = audit["operator"], audit["operator_link"]
    with _prepared_cursor() as cursor:
        cursor.execute(
            AUDIT_SQL,
            [
                audit["meeting"].pk,
                audit["session"].pk if audit["session"] is not None else None,
                invitation_id,
                result.status,
                audit["scanned_at"],
                timezone.now(),
                operator.pk if operator is not None else None,
                link.pk if link is not None else None,
                audit["content_preview"],
                audit["nonce"],
                result.detail[:300],
            ],
        )


AUDIT_SQL = """
INSERT INTO attendance_scanattempt (meeting_id, session_id, invitation_id, result, scanned_at,
                                    recorded_at, operator_id, operator_link_id, content_preview,
                                    nonce, detail)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
"""


def _answer(status: str, checkin: CheckIn, person: dict, meeting: Meeting) -> ScanResult:
    return ScanResult(
        status=status,
        detail="",
        checked_in_at=_clock(checkin.at, meeting),
        checked_in_by=checkin.operator_name,
        checkin_id=checkin.pk,
        **person,
    )


def _person(invitation: Invitation, session: Session | None) -> dict:
    member = invitation.member
    return {
        "name": member.full_name,
        "agency": member.agency.name,
        "position": member.position,
        "session": session.title if session else "",
    }


def _closed_reason(session: Session, at: datetime) -> str:
    """Why `session` takes no check-in at `at`, or "" when it does."""
    opens = session.starts_at - CHECKIN_OPENS_BEFORE
    meeting = session.meeting
    if at < opens:
        return _("Check-in for %(session)s opens at %(time)s.") % {
            "session": session.title,
            "time": _clock(opens, meeting),
        }
    meeting_ends = (
        getattr(session, "meeting_ends_at", None)
        or (meeting.sessions.aggregate(end=Max("ends_at"))["end"])
    )
    if at > meeting_ends:
        return _("The meeting ended at %(time)s.") % {"time": _clock(meeting_ends, meeting)}
    return ""


def _bounded(scanned_at: datetime | None, now: datetime) -> datetime:
    """The time a scan happened: the phone's (offline scans keep theirs), never in the future."""
    if scanned_at is None or scanned_at > now + CLOCK_SKEW:
        return now
    return min(scanned_at, now)


def _clock(at: datetime, meeting: Meeting) -> str:
    return format_time(at, meeting.time_zone)


def _operator_name(operator, operator_link: OperatorLink | None) -> str:
    if operator is not None:
        return (getattr(operator, "name", "") or operator.email)[:200]
    if operator_link is not None:
        return operator_link.label[:200]
    return ""


# --- Rate limits ------------------------------------------------------------------------------
def _rate_limited(*, operator, operator_link, client_ip) -> bool:
    """Count this scan in fixed windows per operator (or link) and per address; True when a
    window is over its limit. The counters live in the cache (Redis in production)."""
    who = []
    if operator is not None:
        who.append(f"user:{operator.pk}")
    if operator_link is not None:
        who.append(f"link:{operator_link.pk}")
    if client_ip:
        who.append(f"ip:{client_ip}")
    limits = getattr(settings, "CHECKIN_SCAN_RATE_LIMITS", DEFAULT_SCAN_RATE_LIMITS)
    now = int(timezone.now().timestamp())
    keys = [
        (f"scan-rate:{ident}:{window}:{now // window}", limit, window)
        for ident in who
        for limit, window in limits
    ]
    counts = _count(keys)
    return any(count > limit for count, (_key, limit, _window) in zip(counts, keys, strict=True))


def _count(keys) -> list[int]:
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # One round trip for every counter instead of two or three each.
        # get_client() builds a new client object (on the same pool) on every call.
        client = getattr(backend._cache, "scan_rate_client", None)
        if client is None:
            client = backend._cache.scan_rate_client = backend._cache.get_client(write=True)
        pipe = client.pipeline(transaction=False)
        for key, _limit, window in keys:
            full_key = backend.make_and_validate_key(key)
            pipe.incr(full_key)
            pipe.expire(full_key, window + 1)
        return pipe.execute()[0::2]
    counts = []
    for key, _limit, window in keys:
        cache.add(key, 0, window + 1)
        try:
            counts.append(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window + 1)
            counts.append(1)
    return counts


# --- Operators --------------------------------------------------------------------------------
@transaction.atomic
def add_operator(*, meeting: Meeting, user) -> CheckInOperator:
    """Let a signed-in user check people in at this meeting (and nothing else). Adding twice
    is harmless."""
    operator, _created = CheckInOperator.objects.get_or_create(meeting=meeting, user=user)
    return operator


@transaction.atomic
def remove_operator(*, operator: CheckInOperator) -> None:
    """Take back an account's check-in duty at a meeting."""
    operator.delete()


@transaction.atomic
def create_operator_link(*, meeting: Meeting, label: str, created_by) -> tuple[OperatorLink, str]:
    """A link for desk staff without an account. Only its hash is kept: the secret is returned
    here once, to be shown to the organizer once."""
    secret = new_secret()
    link = OperatorLink.objects.create(
        meeting=meeting,
        label=label.strip()[:100],
        secret_hash=hash_secret(secret),
        created_by=created_by,
    )
    return link, secret


@transaction.atomic
def revoke_operator_link(*, link: OperatorLink) -> OperatorLink:
    """Stop a link from opening the scanner, at once; revoking twice keeps the first time."""
    OperatorLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    link.refresh_from_db(fields=["revoked_at"])
    return link


def operator_link_for_secret(secret: str) -> OperatorLink | None:
    """The standing link `secret` opens, with its meeting, or None (forged, mistyped, revoked).
    The lookup is by the secret's hash."""
    if not secret or not TICKET_SHAPE.fullmatch(secret):
        return None
    return (
        OperatorLink.objects.select_related("meeting")
        .filter(secret_hash=hash_secret(secret), revoked_at__isnull=True)
        .first()
    )


def operator_link_and_session(
    secret: str, session_id
) -> tuple[OperatorLink | None, Session | None]:
    """operator_link_for_secret and then selectors.scanner_session, in one query: the scan
    endpoint's lookups for a link holder."""
    try:
        wanted = int(session_id)
    except (TypeError, ValueError):
        wanted = None
    if not secret or not TICKET_SHAPE.fullmatch(secret):
        return None, None
    fields, sql, conversions = _link_and_session_query(connection.vendor)
    with _prepared_cursor() as cursor:
        cursor.execute(sql, [wanted, hash_secret(secret)])
        row = cursor.fetchone()
    if row is None:
        return None, None
    row = list(row)
    for i, col, converters in conversions:  # as the ORM would load them
        for convert in converters:
            row[i] = convert(row[i], col, connection)
    values, start = [], 0
    for names in fields:
        values.append(row[start : start + len(names)])
        start += len(names)
    link = OperatorLink.from_db(connection.alias, fields[0], values[0])
    link.meeting = Meeting.from_db(connection.alias, fields[1], values[1])
    if values[2][0] is None:
        return link, None
    session = Session.from_db(connection.alias, fields[2], values[2])
    session.meeting_ends_at = row[-1]
    session.meeting = link.meeting
    return link, session


@lru_cache(maxsize=2)
def _link_and_session_query(vendor: str):
    models = (OperatorLink, Meeting, Session)
    targets = [f for model in models for f in model._meta.concrete_fields]
    targets.append(Session._meta.get_field("ends_at"))  # the meeting's end
    conversions = []
    for i, field in enumerate(targets):
        col = field.get_col(field.model._meta.db_table)
        converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if converters:
            conversions.append((i, col, converters))
    fields = [[f.attname for f in model._meta.concrete_fields] for model in models]
    columns = ", ".join(
        f'{alias}."{f.column}"'
        for alias, model in zip("lms", models, strict=True)
        for f in model._meta.concrete_fields
    )
    # Only table and column names from the models go into the text; values are parameters.
    sql = (
        f"SELECT {columns}, (SELECT MAX(e.ends_at) FROM {Session._meta.db_table} e"  # noqa: S608
        "  WHERE e.meeting_id = s.meeting_id)"
        f" FROM {OperatorLink._meta.db_table} l"
        f" JOIN {Meeting._meta.db_table} m ON m.id = l.meeting_id"
        f" LEFT JOIN {Session._meta.db_table} s ON s.meeting_id = l.meeting_id AND s.id = %s"
        " WHERE l.secret_hash = %s AND l.revoked_at IS NULL"
    )
    return fields, sql, conversions
