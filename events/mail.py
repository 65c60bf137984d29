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
in the recipient's language (mail_bodies.py). For a fan-out, pass one `MeetingSnapshot` to every
call: what is the same for every invitee (sessions, agenda, place, VTIMEZONE, the texts) is then
read and rendered once per meeting and language.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from django.conf import settings
from django.utils.html import escape
from django.utils.translation import override

from members.mail import PersonalEmail, display_name, member_email

from .calendar import build_cancel, build_request
from .mail_bodies import NAME, URL, absolute_url, calendar_bodies
from .models import Invitation
from .snapshot import MeetingSnapshot, SessionInfo

ATTACHMENT_NAME = "invite.ics"


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


__all__ = [
    "CalendarEmail",
    "calendar_email",
    "cancellation_messages",
    "invitation_messages",
    "update_messages",
    "withdrawal_messages",
]
