"""The texts of the calendar emails (events/mail.py): subject, plain text and HTML of
templates/events/email/, rendered once per meeting, kind, session, language, role and answer
and kept in the meeting's snapshot, with stand-ins where each recipient's name and answer link
go; and what every invitee of a meeting reads alike (its details, agenda and privacy links)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core.dates import format_day, format_moment, format_time
from members.mail import display_name
from privacy.controller import MY_DATA_PATH
from privacy.controller import notice_url as privacy_notice_url

from .models import Invitation
from .snapshot import MeetingSnapshot, SessionInfo, session_line
from .snapshot import session_lines as schedule_lines

TEMPLATE_DIR = "events/email"


def absolute_url(url: str) -> str:
    """`url` as is when absolute, else joined to settings.SITE_URL."""
    if not url or "://" in url:
        return url
    return f"{settings.SITE_URL}/{url.lstrip('/')}"


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
