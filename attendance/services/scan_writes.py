"""What a scan writes: its audit entry and, when it checks someone in, the check-in.

Like the scan's read (scan_reads.py), plain SQL through Django's cursor that SQLite and
PostgreSQL run alike: on the busiest request of the day, Model.save spent 0.20 ms of CPU per row
building its INSERT against 0.09 ms for the statement alone. They name the models' tables and
columns, every column without a database default; the tests run both on both databases, and a
column added to either model without a default fails them.

The check-in is inserted with ON CONFLICT DO NOTHING: when two desks scan one person at the same
moment, the second insert waits for the first to commit and then writes nothing, instead of
failing and rolling back the scan's audit entry with it.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection, models
from django.utils import timezone

from .scan_reads import Desk

_ADD_ATTEMPT = """
INSERT INTO attendance_scanattempt (meeting_id, session_id, invitation_id, operator_id,
    operator_link_id, scanned_at, recorded_at, content_preview, nonce, result, detail)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
"""
_ADD_CHECK_IN = """
INSERT INTO attendance_checkin (invitation_id, session_id, at, method, operator_id,
    operator_link_id, operator_name, nonce, signature, signed_at, recorded_at)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, NULL, NULL, %s)
ON CONFLICT DO NOTHING
RETURNING id
"""


def add_attempt(
    *,
    desk: Desk,
    invitation_id: int | None,
    scanned_at: datetime,
    content_preview: str,
    nonce: str,
    result: str,
    detail: str,
) -> None:
    """Write a ScanAttempt of the desk. Raises IntegrityError when the audit holds an answer to
    this nonce already (the unique "one_answer_per_upload")."""
    with connection.cursor() as cursor:
        cursor.execute(
            _ADD_ATTEMPT,
            [
                desk.meeting_id,
                desk.session_id,
                invitation_id,
                desk.operator.pk if desk.operator is not None else None,
                desk.link_id,
                _time(scanned_at),
                _time(timezone.now()),
                content_preview,
                nonce,
                result,
                detail,
            ],
        )


def add_check_in(
    *, desk: Desk, invitation_id: int, at: datetime, method: str, nonce: str | None
) -> int | None:
    """Check the invitation in at the desk's session: the new CheckIn's id, or None when
    nothing was written because the person has a check-in for the session already (or, for an
    upload, another check-in has this nonce)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _ADD_CHECK_IN,
            [
                invitation_id,
                desk.session_id,
                _time(at),
                method,
                desk.operator.pk if desk.operator is not None else None,
                desk.link_id,
                desk.operator_name,
                nonce,
                _time(timezone.now()),
            ],
        )
        row = cursor.fetchone()
    return row[0] if row is not None else None


def _time(value: datetime):
    """A time as the database stores it (SQLite: text in UTC), as the ORM would send it."""
    return _DATETIME.get_db_prep_value(value, connection)


_DATETIME = models.DateTimeField()
