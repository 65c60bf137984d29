"""Reads for the outbox pages: the list never loads the messages' bytes; one message is read
whole and parsed for its detail page."""

import email
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

from django.db.models import Count, QuerySet

from .models import OutboxMessage, State


def messages_for_table() -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.defer("raw").order_by("-created_at", "-pk")


def count_by_state() -> dict[str, int]:
    """How many messages are in each state, every state present (zero when none)."""
    counts = {
        row["state"]: row["count"]
        for row in OutboxMessage.objects.order_by().values("state").annotate(count=Count("pk"))
    }
    return {state: counts.get(state, 0) for state in State.values}


@dataclass
class MimePart:
    content_type: str
    filename: str
    size: int


@dataclass
class ReadMessage:
    row: OutboxMessage
    headers: list[tuple[str, str]]
    text: str | None
    calendar: str | None
    parts: list[MimePart] = field(default_factory=list)


def message_for_reading(*, pk: int) -> ReadMessage | None:
    """One message with its headers, its plain-text body and the calendar file it carries, if
    any. The HTML part is only listed: the page never shows HTML that went out by mail."""
    row = OutboxMessage.objects.filter(pk=pk).first()
    if row is None:
        return None
    parsed = email.message_from_bytes(bytes(row.raw), policy=policy.default)
    return ReadMessage(
        row=row,
        headers=[(name, str(value)) for name, value in parsed.items()],
        text=_content(parsed.get_body(preferencelist=("plain",))),
        calendar=_content(_first_part(parsed, "text/calendar")),
        parts=[
            MimePart(
                content_type=part.get_content_type(),
                filename=part.get_filename() or "",
                size=len(part.get_payload(decode=True) or b""),
            )
            for part in parsed.walk()
            if not part.is_multipart()
        ],
    )


def _first_part(message: EmailMessage, content_type: str) -> EmailMessage | None:
    return next((p for p in message.walk() if p.get_content_type() == content_type), None)


def _content(part: EmailMessage | None) -> str | None:
    if part is None:
        return None
    try:
        return part.get_content()
    except (LookupError, ValueError):  # an unknown charset or a broken encoding
        return part.get_payload(decode=True).decode("utf-8", "replace")
