"""A member's personal email: the one builder of what every message to one person carries.

Whatever the app (invitations and calendar updates, tickets, minutes, follow-up actions), an
email to a member is addressed to them alone, by a To header their name cannot split, says the
language it is written in, and tells auto-responders to keep quiet (RFC 3834).
"""

from __future__ import annotations

import re
import secrets
from email.policy import Compat32
from email.utils import formataddr
from functools import lru_cache
from typing import TypeVar, overload

from django.core.mail import EmailMultiAlternatives

AUTOMATIC = "auto-generated"  # RFC 3834 Auto-Submitted
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # Unicode's control characters (category Cc)


class PersonalEmail(EmailMultiAlternatives):
    """A message to one person, made as Django makes it, at less cost for a fan-out of many.

    Its multiparts get their boundaries at once: left to itself, Python's generator draws one
    and scans the whole message for it with a new regex, a third of the cost of writing an
    invitation ("=_" never occurs in base64 or quoted-printable, and 128 random bits do not
    occur in the text by chance). And its headers are folded through `REMEMBERED_FOLDING`.
    """

    def message(self, **kwargs):
        message = super().message(**kwargs)
        message.policy = REMEMBERED_FOLDING
        for part in message.walk():
            if part.is_multipart():
                part.set_boundary(f"=_rakor_{secrets.token_hex(16)}")
            if part is not message:
                del part["MIME-Version"]  # RFC 2045 §4: the top level carries it
        return message


class RememberedFolding(Compat32):
    """Django's messages' policy (compat32), remembering the folded bytes of each header:
    most headers of a fan-out are the same in every message (the parts' Content-Type, From,
    the subject…), and folding them is most of the cost of writing one. The bytes are those
    Compat32.fold_binary gives for the same header, line ending and line length."""

    def fold_binary(self, name, value):
        if not isinstance(value, str):  # a Header object: rare, and not hashable
            return super().fold_binary(name, value)
        return _folded(self.linesep, self.max_line_length, self.cte_type, name, value)


@lru_cache(maxsize=4096)
def _folded(linesep: str, max_line_length, cte_type: str, name: str, value: str) -> bytes:
    policy = Compat32(linesep=linesep, max_line_length=max_line_length, cte_type=cte_type)
    return policy.fold_binary(name, value)


REMEMBERED_FOLDING = RememberedFolding()

Email = TypeVar("Email", bound=EmailMultiAlternatives)


def display_name(name: str) -> str:
    """A name on one line: control characters (CR, LF, TAB…) become spaces, runs collapse.

    A person's name never holds a line break; one that does is bad data, and passing it on
    would only make mail headers and calendar parameters harder to read, never more correct.
    """
    return " ".join(CONTROL.sub(" ", name).split())


def recipient_header(name: str, email: str) -> str:
    """`"Name" <email>` for the To header: the name on one line, quoted or RFC 2047-encoded,
    so CR/LF, quotes, commas or non-Latin letters in it cannot add or split a header."""
    return formataddr((display_name(name), email))


def automatic_headers(language: str) -> dict[str, str]:
    """The headers of every message Rakor writes on its own: its language, and RFC 3834's
    Auto-Submitted so out-of-office replies do not flood the sending mailbox."""
    return {"Content-Language": language, "Auto-Submitted": AUTOMATIC}


@overload
def member_email(
    *, name: str, email: str, language: str, subject: str, text: str, html: str = ""
) -> PersonalEmail: ...


@overload
def member_email(
    *,
    name: str,
    email: str,
    language: str,
    subject: str,
    text: str,
    html: str = "",
    message_class: type[Email],
    **kwargs,
) -> Email: ...


def member_email(
    *,
    name: str,
    email: str,
    language: str,
    subject: str,
    text: str,
    html: str = "",
    message_class: type[EmailMultiAlternatives] = PersonalEmail,
    **kwargs,
) -> EmailMultiAlternatives:
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
