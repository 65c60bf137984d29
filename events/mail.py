"""The emails about a meeting that carry its calendar file (iMIP, RFC 6047).

Each builder returns one Django EmailMessage for one invitation, ready for the outbox:

    multipart/mixed
    ├── multipart/alternative
    │   ├── text/plain
    │   ├── text/html
    │   └── text/calendar; method=REQUEST; charset=UTF-8
    └── application/ics; name="invite.ics"  (the same file, as an attachment)

The MIME `method` parameter always equals the file's METHOD (RFC 6047 §2.4). Subject and text
come from templates/events/email/, rendered in the recipient's language. For a fan-out, pass one
`MeetingSnapshot` to every call: what is the same for every invitee (sessions, agenda, place,
VTIMEZONE) is then read and rendered once per meeting and language.
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Callable, Sequence
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import formataddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEMultipart
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import override

from core.dates import format_day, format_moment, format_time

from .calendar import (
    MeetingSnapshot,
    build_cancel,
    build_request,
    display_name,
    session_lines,
)
from .models import Invitation

ATTACHMENT_NAME = "invite.ics"
TEMPLATE_DIR = "events/email"


class CalendarEmail(EmailMultiAlternatives):
    """An email whose alternatives end with a text/calendar part, plus the file attached.

    Django 5.2's attach_alternative cannot give text/calendar its `method` parameter, so the
    part is built here, as RFC 6047 §2.4 wants it: `method` equal to the file's METHOD.
    """

    def __init__(self, *, calendar: bytes, method: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.calendar = calendar
        self.method = method
        encoded = _base64(calendar)
        self.calendar_part = _part(
            encoded, f"text/calendar; method={method}; charset=UTF-8", disposition=""
        )
        self.attach(
            _part(
                encoded,
                f'application/ics; name="{ATTACHMENT_NAME}"',
                disposition=f'attachment; filename="{ATTACHMENT_NAME}"',
            )
        )

    def _create_alternatives(self, msg):
        msg = super()._create_alternatives(msg)
        if not msg.is_multipart():  # no HTML alternative was attached
            body, msg = msg, SafeMIMEMultipart(_subtype=self.alternative_subtype)
            msg.attach(body)
        msg.attach(self.calendar_part)
        return _with_boundary(msg)

    def _create_attachments(self, msg):
        return _with_boundary(super()._create_attachments(msg))


def _base64(data: bytes) -> str:
    # base64 keeps the file byte for byte: its CRLF line ends and its UTF-8 (RFC 5545 §3.1).
    return base64.encodebytes(data).decode("ascii")


def _part(encoded: str, content_type: str, *, disposition: str) -> MIMENonMultipart:
    maintype, rest = content_type.split("/", 1)
    part = MIMENonMultipart(maintype, rest.split(";", 1)[0])
    del part["MIME-Version"]  # RFC 2045 §4: the top level carries it
    part.replace_header("Content-Type", content_type)
    part["Content-Transfer-Encoding"] = "base64"
    if disposition:
        part["Content-Disposition"] = disposition
    part.set_payload(encoded)
    return part


def _with_boundary(msg):
    """Give a multipart its boundary now. Left to itself, Python's generator draws one and
    scans the whole message for it with a new regex, a third of the cost of building an
    invitation; "=_" never occurs in base64 or quoted-printable, and 128 random bits do not
    occur in the text by chance."""
    if msg.is_multipart():
        msg.set_boundary(f"=_rakor_{secrets.token_hex(16)}")
        for part in msg.get_payload():
            del part["MIME-Version"]
    return msg


def invitation_message(
    *,
    invitation: Invitation,
    answer_url: str,
    language: str | None = None,
    snapshot: MeetingSnapshot | None = None,
) -> CalendarEmail:
    """The invitation: METHOD:REQUEST with the recipient's current PARTSTAT and answer link."""
    url = absolute_url(answer_url)
    return _message(
        kind="invitation",
        invitation=invitation,
        snapshot=snapshot,
        language=language,
        method="REQUEST",
        build=lambda s: build_request(meeting=s, invitations=[invitation], answer_url=url),
        answer_url=url,
    )


def update_message(
    *,
    invitation: Invitation,
    answer_url: str,
    changes: Sequence[str],
    language: str | None = None,
    snapshot: MeetingSnapshot | None = None,
) -> CalendarEmail:
    """A change of time or place: METHOD:REQUEST again, same UID, the meeting's new SEQUENCE.

    `changes` are sentences saying what changed; lazy translations render in `language`.
    """
    url = absolute_url(answer_url)
    return _message(
        kind="update",
        invitation=invitation,
        snapshot=snapshot,
        language=language,
        method="REQUEST",
        build=lambda s: build_request(meeting=s, invitations=[invitation], answer_url=url),
        answer_url=url,
        changes=changes,
    )


def cancellation_message(
    *,
    invitation: Invitation,
    language: str | None = None,
    snapshot: MeetingSnapshot | None = None,
) -> CalendarEmail:
    """The whole meeting is cancelled: METHOD:CANCEL with STATUS:CANCELLED."""
    return _message(
        kind="cancellation",
        invitation=invitation,
        snapshot=snapshot,
        language=language,
        method="CANCEL",
        build=lambda s: build_cancel(meeting=s, invitations=[invitation], whole_meeting=True),
    )


def withdrawal_message(
    *,
    invitation: Invitation,
    language: str | None = None,
    snapshot: MeetingSnapshot | None = None,
) -> CalendarEmail:
    """One invitation withdrawn: METHOD:CANCEL naming only this attendee, no STATUS."""
    return _message(
        kind="withdrawal",
        invitation=invitation,
        snapshot=snapshot,
        language=language,
        method="CANCEL",
        build=lambda s: build_cancel(meeting=s, invitations=[invitation], whole_meeting=False),
    )


def absolute_url(url: str) -> str:
    """`url` as is when absolute, else joined to settings.SITE_URL."""
    if not url or "://" in url:
        return url
    return f"{settings.SITE_URL}/{url.lstrip('/')}"


def recipient_header(name: str, email: str) -> str:
    """`"Name" <email>` for the To header: the name on one line, quoted or RFC 2047-encoded,
    so CR/LF, quotes, commas or non-Latin letters in it cannot add or split a header."""
    return formataddr((display_name(name), email))


def _message(
    *,
    kind: str,
    invitation: Invitation,
    snapshot: MeetingSnapshot | None,
    language: str | None,
    method: str,
    build: Callable[[MeetingSnapshot], bytes],
    answer_url: str = "",
    changes: Sequence[str] = (),
) -> CalendarEmail:
    snapshot = snapshot or MeetingSnapshot.of(invitation.meeting)
    language = language or settings.LANGUAGE_CODE
    member = invitation.member
    with override(language):
        subject, text, html = _bodies(
            snapshot, kind=kind, language=language, invitation=invitation, changes=changes
        )
        calendar = build(snapshot)
    return personal_email(
        member=member,
        language=language,
        bodies=(subject, text, html),
        calendar=calendar,
        method=method,
        answer_url=answer_url,
    )


def personal_email(
    *,
    member,
    language: str,
    bodies: tuple[str, str, str],
    calendar: bytes,
    method: str,
    answer_url: str = "",
) -> CalendarEmail:
    """One recipient's email from a subject, text and HTML rendered once for many: their name
    and answer link put in where _NAME and _URL stand (escaped in the HTML), the To header
    that no name can split, and what keeps auto-replies away."""
    subject, text, html = bodies
    name = display_name(member.full_name)
    message = CalendarEmail(
        calendar=calendar,
        method=method,
        subject=display_name(subject.replace(_NAME, name)),
        body=text.replace(_NAME, name).replace(_URL, answer_url),
        to=[member.email],
        headers={
            "To": recipient_header(member.full_name, member.email),
            "Content-Language": language,
            # RFC 3834: out-of-office replies should not flood the organizer mailbox.
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        html.replace(_NAME, escape(name)).replace(_URL, escape(answer_url)), "text/html"
    )
    return message


# Where the recipient's name and answer link go in bodies rendered once for many recipients.
# Random per process, so no meeting's text can contain them; letters and digits only, so
# neither escaping nor translation changes them. Templates print these two values, they do
# not test or filter them.
_NAME = f"rakor{secrets.token_hex(12)}name"
_URL = f"rakor{secrets.token_hex(12)}url"


def _bodies(
    snapshot: MeetingSnapshot,
    *,
    kind: str,
    language: str,
    invitation: Invitation,
    changes: Sequence[str],
) -> tuple[str, str, str]:
    """Subject, plain text and HTML for every invitee with this role and answer, rendered
    once per meeting, kind, language, role and answer."""
    changes = [str(change) for change in changes]
    key = ("bodies", kind, language, invitation.role, invitation.answer, tuple(changes))
    if key not in snapshot.cache:
        context = {
            **_shared(snapshot, language),
            "member_name": _NAME,
            "answer_url": _URL,
            "changes": changes,
            "role_label": ""
            if invitation.role == Invitation.Role.PARTICIPANT
            else Invitation.Role(invitation.role).label,
            "answer_label": Invitation.Answer(invitation.answer).label,
            "answered": invitation.answer != Invitation.Answer.PENDING,
        }
        snapshot.cache[key] = (
            render_to_string(f"{TEMPLATE_DIR}/{kind}_subject.txt", context),
            _tidy(render_to_string(f"{TEMPLATE_DIR}/{kind}.txt", context)),
            render_to_string(f"{TEMPLATE_DIR}/{kind}.html", context),
        )
    return snapshot.cache[key]


def _shared(snapshot: MeetingSnapshot, language: str) -> dict:
    """What every invitee of the meeting reads alike, rendered once per language."""
    key = ("mail", language)
    if key not in snapshot.cache:
        zone = snapshot.time_zone
        several_days = (
            len({s.starts_at.astimezone(ZoneInfo(zone)).date() for s in snapshot.sessions}) > 1
        )
        facts = {
            "meeting": snapshot,
            "sessions": session_lines(snapshot),
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
        facts["details_txt"] = _tidy(render_to_string(f"{TEMPLATE_DIR}/_details.txt", facts))
        facts["details_html"] = mark_safe(  # noqa: S308 - rendered by the template engine
            render_to_string(f"{TEMPLATE_DIR}/_details.html", facts)
        )
        snapshot.cache[key] = facts
    return snapshot.cache[key]


_BLANK_RUNS = re.compile(r"\n{3,}")


def _tidy(text: str) -> str:
    """Plain text as the templates leave it, less trailing spaces and runs of blank lines."""
    lines = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return _BLANK_RUNS.sub("\n\n", lines) + "\n"


__all__ = [
    "CalendarEmail",
    "MeetingSnapshot",
    "absolute_url",
    "cancellation_message",
    "invitation_message",
    "recipient_header",
    "update_message",
    "withdrawal_message",
]
