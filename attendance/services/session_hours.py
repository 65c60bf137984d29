"""When a session takes self check-ins, and which session the scanner, the venue screen, the
dashboard and the attendance table show when none is asked for.

Check-in for a session opens OPENS_BEFORE it starts, at the venue screen and at the desk
alike. Self check-in (the venue screen, walk-in registration) closes when the session ends; the
desk takes check-ins until the whole meeting ends, so that late arrivals can still be entered
by an operator at the end of the day.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from events.models import Meeting, Session

OPENS_BEFORE = timedelta(hours=2)


def is_open(session: Session, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return session.starts_at - OPENS_BEFORE <= now <= session.ends_at


def current_session(sessions: list[Session], now: datetime | None = None) -> Session | None:
    """Of a meeting's `sessions`, in their order: the one under way (or the next one open for
    check-in), else the next to come, else the last one."""
    now = now or timezone.now()
    for session in sessions:
        if is_open(session, now):
            return session
    upcoming = [s for s in sessions if s.starts_at > now]
    return upcoming[0] if upcoming else (sessions[-1] if sessions else None)


def chosen_session(*, meeting: Meeting, wanted) -> Session | None:
    """The session of `meeting` a page asks for by its id (`wanted`, as it came in the
    request), else the current one; with its meeting attached."""
    sessions = list(meeting.sessions.all())
    for session in sessions:
        if str(session.pk) == str(wanted):
            session.meeting = meeting
            return session
    current = current_session(sessions)
    if current is not None:
        current.meeting = meeting
    return current
