"""A member's personal email: the one builder of what every message to one person carries.

Whatever the app (invitations and calendar updates, tickets, minutes, follow-up actions), an
email to a member is addressed to them alone, by a To header their name cannot split, says the
language it is written in, and tells auto-responders to keep quiet (RFC 3834).
"""

from __future__ import annotations

import unicodedata
from email.utils import formataddr
from typing import TypeVar

from django.core.mail import EmailMultiAlternatives

AUTOMATIC = "auto-generated"  # RFC 3834 Auto-Submitted

Email = TypeVar("Email", bound=EmailMultiAlternatives)


def display_name(name: str) -> str:
    """A name on one line: control characters (CR, LF, TAB…) become spaces, runs collapse.

    A person's name never holds a line break; one that does is bad data, and passing it on
    would only make mail headers and calendar parameters harder to read, never more correct.
    """
    cleaned = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in name)
    return " ".join(cleaned.split())


def recipient_header(name: str, email: str) -> str:
    """`"Name" <email>` for the To header: the name on one line, quoted or RFC 2047-encoded,
    so CR/LF, quotes, commas or non-Latin letters in it cannot add or split a header."""
    return formataddr((display_name(name), email))


def automatic_headers(language: str) -> dict[str, str]:
    """The headers of every message Rakor writes on its own: its language, and RFC 3834's
    Auto-Submitted so out-of-office replies do not flood the sending mailbox."""
    return {"Content-Language": language, "Auto-Submitted": AUTOMATIC}


def member_email(
    *,
    name: str,
    email: str,
    language: str,
    subject: str,
    text: str,
    html: str = "",
    message_class: type[Email] = EmailMultiAlternatives,  # type: ignore[assignment]
    **kwargs,
) -> Email:
    """One email to one person (`name`, `email`), in `language`: the subject on one line, the
    plain text, and the HTML as its alternative when given. `message_class` and `kwargs` are
    for a subclass that adds parts (the calendar emails)."""
    message = message_class(
        subject=display_name(subject),
        body=text,
        to=[email],
        headers={"To": recipient_header(name, email), **automatic_headers(language)},
        **kwargs,
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message
