"""The emails about a meeting that carry its calendar (iMIP, RFC 6047): one per session.

Each calendar email holds one session's file, as iMIP interoperability wants it (CalConnect's
iMIP best practices: a single iCalendar object per email):

    multipart/mixed
    ├── multipart/alternative
    │   ├── text/plain
    │   ├── text/html
    │   └── text/calendar; method=REQUEST; charset="utf-8"
    └── application/ics  (attachment; filename="invite.ics": the same file)

The MIME `method` parameter always equals the file's METHOD (RFC 6047 §2.4). A meeting with
several sessions sends several emails, each saying which session it puts in the calendar; one
answer covers the whole meeting. Subject and text come from templates/events/email/, rendered
in the recipient's language. For a fan-out, pass one `MeetingSnapshot` to every call: what is
the same for every invitee (sessions, agenda, place, VTIMEZONE, the texts) is then read and
rendered once per meeting and language.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, override

from core.dates import format_day, format_moment, format_time
from members.mail import PersonalEmail, display_name, member_email
from privacy.controller import MY_DATA_PATH
from privacy.controller import notice_url as privacy_notice_url

from .calendar import build_cancel, build_request
from .models import Invitation
from .snapshot import MeetingSnapshot, SessionInfo, session_line
from .snapshot import session_lines as schedule_lines

ATTACHMENT_NAME = "invite.ics"
TEMPLATE_DIR = "events/email"


class CalendarEmail(PersonalEmail):
    """An email whose alternatives end with a text/calendar part, with the same file attached.
    `calendar` and `method` are kept for whoever reads the message before it is sent."""

    def __init__(self, *, calendar: bytes, method: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.calendar = calendar
        self.method = method


def invitation_messages(
    *,
    invitation: Invitation,
    answer_url: str,
    language: str | None = None,
    snapshot: MeetingSnapshot | None = None,
    stamp: datetime | None = None,
) -> list[CalendarEmail]:
    """The invitation: a METHOD:REQUEST email per session, with the recipient's current
    PARTSTAT and answer link."""
    snapshot = snapshot or MeetingSnapshot.of(invitation.meeting)
    return _messages(
        kind="invitation",
        invitation=invitation,
        snapshot=snapshot,
        language=language,
        requests=snapshot.sessions,
        answer_url=absolute_url(answer_url),
        stamp=stamp,
    )


def update_messages(
    *,
    invitation: Invitation,
    answer_url: str,
    changes: Sequence[str],
    sessions: Sequence[SessionInfo],
    removed: Sequence[SessionInfo] = (),
    language: str | None = None,
    snapshot: MeetingSnapshot | None = None,
    stamp: datetime | None = None,
) -> list[CalendarEmail]:
    """A change: METHOD:REQUEST again for each session in `sessions` (same UID, the meeting's
    new SEQUENCE), and METHOD:CANCEL with STATUS:CANCELLED for each session in `removed`.

    `changes` are sentences saying what changed; lazy translations render in `language`.
    """
    return _messages(
        kind="update",
        invitation=invitation,
        snapshot=snapshot or MeetingSnapshot.of(invitation.meeting),
        language=language,
        requests=sessions,
        cancels=removed,
        cancelled=True,
        answer_url=absolute_url(answer_url),
        changes=changes,
        stamp=stamp,
    )


def cancellation_messages(
    *,
    invitation: Invitation,
    removed: Sequence[SessionInfo] = (),
    language: str | None = None,
    snapshot: MeetingSnapshot | None = None,
    stamp: datetime | None = None,
) -> list[CalendarEmail]:
    """The whole meeting is cancelled: METHOD:CANCEL with STATUS:CANCELLED for every session,
    and for each removed session in `removed` the recipient may still hold."""
    snapshot = snapshot or MeetingSnapshot.of(invitation.meeting)
    return _messages(
        kind="cancellation",
        invitation=invitation,
        snapshot=snapshot,
        language=language,
        cancels=(*snapshot.sessions, *removed),
        cancelled=True,
        stamp=stamp,
    )


def withdrawal_messages(
    *,
    invitation: Invitation,
    removed: Sequence[SessionInfo] = (),
    language: str | None = None,
    snapshot: MeetingSnapshot | None = None,
    sequence: int | None = None,
) -> list[CalendarEmail]:
    """One invitation withdrawn: METHOD:CANCEL naming only this attendee, without STATUS, for
    every session (and each removed session in `removed` they may still hold), at SEQUENCE
    `sequence` (default: the snapshot's)."""
    snapshot = snapshot or MeetingSnapshot.of(invitation.meeting)
    return _messages(
        kind="withdrawal",
        invitation=invitation,
        snapshot=snapshot,
        language=language,
        cancels=(*snapshot.sessions, *removed),
        cancelled=False,
        sequence=sequence,
    )


def absolute_url(url: str) -> str:
    """`url` as is when absolute, else joined to settings.SITE_URL."""
    if not url or "://" in url:
        return url
    return f"{settings.SITE_URL}/{url.lstrip('/')}"


def _messages(
    *,
    kind: str,
    invitation: Invitation,
    snapshot: MeetingSnapshot,
    language: str | None,
    requests: Sequence[SessionInfo] = (),
    cancels: Sequence[SessionInfo] = (),
    cancelled: bool = True,
    answer_url: str = "",
    changes: Sequence[str] = (),
    stamp: datetime | None = None,
    sequence: int | None = None,
) -> list[CalendarEmail]:
    """One email per session: a REQUEST for each of `requests`, a CANCEL for each of
    `cancels` (STATUS:CANCELLED when `cancelled`)."""
    language = language or settings.LANGUAGE_CODE
    stamp = stamp or datetime.now(UTC)
    messages = []
    with override(language):
        for session in requests:
            # The answer link is in the email's text, not in the file: calendars are often
            # shared with a team or a delegate, who should not answer in the invitee's name
            # (pretix leaves its ticket links out of calendar files for the same reason). So
            # every invitee's file is the same but for its ATTENDEE (events.calendar_lines).
            calendar = build_request(
                meeting=snapshot, session=session, invitations=[invitation], stamp=stamp
            )
            bodies = calendar_bodies(
                snapshot, kind=kind, invitation=invitation, session=session, changes=changes
            )
            messages.append(
                calendar_email(invitation, language, bodies, calendar, "REQUEST", answer_url)
            )
        for session in cancels:
            calendar = build_cancel(
                meeting=snapshot,
                session=session,
                invitations=[invitation],
                cancelled=cancelled,
                stamp=stamp,
                sequence=sequence,
            )
            bodies = calendar_bodies(
                snapshot, kind=kind, invitation=invitation, session=session, changes=changes
            )
            messages.append(calendar_email(invitation, language, bodies, calendar, "CANCEL"))
    return messages


def calendar_email(
    invitation: Invitation,
    language: str,
    bodies: tuple[str, str, str],
    calendar: bytes,
    method: str,
    answer_url: str = "",
) -> CalendarEmail:
    """One recipient's calendar email from a subject, text and HTML rendered once for many:
    their name and answer link put in where NAME and URL stand (escaped in the HTML)."""
    member = invitation.member
    subject, text, html = bodies
    name = display_name(member.full_name)
    message = member_email(
        name=member.full_name,
        email=member.email,
        language=language,
        subject=subject.replace(NAME, name),
        text=text.replace(NAME, name).replace(URL, answer_url),
        html=html.replace(NAME, escape(name)).replace(URL, escape(answer_url)),
        message_class=CalendarEmail,
        calendar=calendar,
        method=method,
    )
    message.attach_alternative(calendar.decode("utf-8"), f"text/calendar; method={method}")
    message.attach(ATTACHMENT_NAME, calendar, "application/ics")
    return message


# Where the recipient's name and answer link go in bodies rendered once for many recipients.
# Random per process, so no meeting's text can contain them; letters and digits only, so
# neither escaping nor translation changes them. Templates print these two values, they do
# not test or filter them.
NAME = f"rakor{secrets.token_hex(12)}name"
URL = f"rakor{secrets.token_hex(12)}url"


def calendar_bodies(
    snapshot: MeetingSnapshot,
    *,
    kind: str,
    invitation: Invitation,
    session: SessionInfo | None,
    changes: Sequence[str] = (),
    extra: Callable[[], dict] | None = None,
    key: tuple = (),
) -> tuple[str, str, str]:
    """Subject, plain text and HTML of templates events/email/<kind>*, in the active language,
    for every invitee with this role, answer and representation: rendered once per meeting,
    kind, session, language, role and answer (and `key`, with `extra()` for the context)."""
    changes = [str(change) for change in changes]
    # Whom a representative stands in for, in their invitation (the batches prefetch it).
    represents = represented_names(invitation) if kind == "invitation" else ""
    cache_key = (
        "bodies",
        kind,
        session.uid if session else "",
        get_language(),
        invitation.role,
        invitation.answer,
        represents,
        tuple(changes),
        *key,
    )
    if cache_key not in snapshot.cache:
        context = {
            **shared_context(snapshot),
            **_session_context(snapshot, session),
            "member_name": NAME,
            "answer_url": URL,
            "changes": changes,
            "represents": represents,
            "role_label": ""
            if invitation.role == Invitation.Role.PARTICIPANT
            else Invitation.Role(invitation.role).label,
            "answer_label": Invitation.Answer(invitation.answer).label,
            "answered": invitation.answer != Invitation.Answer.PENDING,
            "answer_once": kind not in ("cancellation", "withdrawal"),
            **(extra() if extra else {}),
        }
        snapshot.cache[cache_key] = (
            " ".join(render_to_string(f"{TEMPLATE_DIR}/{kind}_subject.txt", context).split()),
            tidy(render_to_string(f"{TEMPLATE_DIR}/{kind}.txt", context)),
            compact_html(render_to_string(f"{TEMPLATE_DIR}/{kind}.html", context)),
        )
    return snapshot.cache[cache_key]


def represented_names(invitation: Invitation) -> str:
    """Whom the invitee represents ("Name, agency"; several joined by "; "), or ""."""
    names = [
        f"{display_name(original.member.full_name)}, {original.member.agency.name}"
        for original in invitation.represents.all()
        if original.answer == Invitation.Answer.REPRESENTED and original.withdrawn_at is None
    ]
    return "; ".join(sorted(names))


def _session_context(snapshot: MeetingSnapshot, session: SessionInfo | None) -> dict:
    """Which session the email puts in (or takes out of) the calendar, for a meeting with
    several sessions, and the day for the subject."""
    if session is None:
        return {}
    zone = snapshot.time_zone
    several = len(snapshot.sessions) > 1 or session not in snapshot.sessions
    line = session_line(session, zone)
    context = {"session_line": line, "session_title": session.title, "session_removed": False}
    if session in snapshot.sessions:
        context["session_number"] = snapshot.sessions.index(session) + 1
        context["session_count"] = len(snapshot.sessions)
    else:
        context["session_removed"] = True
    context["several_sessions"] = several
    day = format_day(session.starts_at, zone)
    context["first_day"] = f"{session.title}, {day}" if several and session.title else day
    return context


def shared_context(snapshot: MeetingSnapshot) -> dict:
    """What every invitee of the meeting reads alike, rendered once per language."""
    key = ("mail", get_language())
    if key not in snapshot.cache:
        zone = snapshot.time_zone
        several_days = (
            len({s.starts_at.astimezone(ZoneInfo(zone)).date() for s in snapshot.sessions}) > 1
        )
        facts = {
            "meeting": snapshot,
            "sessions": schedule_lines(snapshot),
            "first_day": format_day(snapshot.starts_at, zone) if snapshot.sessions else "",
            "place": snapshot.place,
            "online_link": snapshot.online_link,
            "deadline": format_moment(snapshot.answer_deadline, zone)
            if snapshot.answer_deadline
            else "",
            "agenda": [
                {
                    "when": (format_moment if several_days else format_time)(item.starts_at, zone)
                    if item.starts_at
                    else "",
                    "title": item.title,
                    "speaker": item.speaker,
                    "moderator": item.moderator,
                }
                for item in snapshot.agenda
            ],
        }
        # The privacy notice every invitation carries: for a person an organizer entered, the
        # invitation is the first email (UU 27/2022 Art. 5 and 21; privacy/).
        facts["privacy_url"] = absolute_url(privacy_notice_url(snapshot.host_agency_id))
        facts["my_data_url"] = absolute_url(MY_DATA_PATH)
        facts["details_txt"] = tidy(render_to_string(f"{TEMPLATE_DIR}/_details.txt", facts))
        facts["details_html"] = mark_safe(  # noqa: S308 - rendered by the template engine
            render_to_string(f"{TEMPLATE_DIR}/_details.html", facts)
        )
        snapshot.cache[key] = facts
    return snapshot.cache[key]


def compact_html(html: str, width: int = 400) -> str:
    """The HTML of an email on few lines of at most about `width` characters: the lines the
    templates leave, trimmed and joined where they are short. A browser reads it alike (the
    templates hold no <pre>), and every line is one more write for each message of a fan-out.
    Lines stay far below the 998 octets of RFC 5322, so the part stays 8bit."""
    lines, current = [], ""
    for line in filter(None, (line.strip() for line in html.splitlines())):
        if current and len(current) + len(line) >= width:
            lines.append(current)
            current = line
        else:
            current = f"{current} {line}" if current else line
    return "\n".join([*lines, current]) + "\n"


_BLANK_RUNS = re.compile(r"\n{3,}")


def tidy(text: str) -> str:
    """Plain text as the templates leave it, less trailing spaces and runs of blank lines."""
    lines = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return _BLANK_RUNS.sub("\n\n", lines) + "\n"


__all__ = [
    "CalendarEmail",
    "MeetingSnapshot",
    "absolute_url",
    "calendar_bodies",
    "calendar_email",
    "cancellation_messages",
    "invitation_messages",
    "update_messages",
    "withdrawal_messages",
]
