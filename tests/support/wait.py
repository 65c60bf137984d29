"""Waiting for something another thread or process does, with a deadline instead of a sleep."""

import time
from collections.abc import Callable


def wait_until(
    condition: Callable[[], object],
    *,
    timeout: float = 30.0,
    poll: float = 0.02,
    meanwhile: Callable[[], object] | None = None,
    every: float = 1.0,
    what: str = "",
):
    """Return `condition()`'s first truthy value; raise TimeoutError after `timeout` seconds.

    `meanwhile`, if given, is called at once and then every `every` seconds while waiting
    (e.g. what beat would do periodically)."""
    deadline = time.monotonic() + timeout
    next_nudge = time.monotonic()
    while True:
        if meanwhile is not None and time.monotonic() >= next_nudge:
            meanwhile()
            next_nudge = time.monotonic() + every
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"Still waiting after {timeout} s{': ' + what if what else ''}")
        time.sleep(poll)


def wait_until_a_statement_waits_for_a_lock(*, timeout: float = 10.0, what: str = "") -> None:
    """PostgreSQL: return once some session of this database is waiting for a lock (another
    thread's statement has met the transaction the test holds open)."""
    from django.db import connection

    def someone_waits():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            return cursor.fetchone()[0]

    wait_until(someone_waits, timeout=timeout, what=what or "a statement waiting for a lock")
