"""Reads for the outbox pages: the list never loads the messages' bytes; one message is read
whole and parsed for its detail page.

Every read starts from `visible_messages`: staff see every message; an organizer sees only the
mail about the meetings they organize, never anyone's account mail (sign-in codes) nor another
meeting's recipients and subjects.
"""

import email
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage, MIMEPart

from django.db.models import Count, Min, QuerySet, Sum

from .models import Kind, OutboxMessage, OwedMail, State
from .permissions import sees_every_message

# The topics the apps queue a meeting's mail under, "<prefix>:<meeting pk>": "meeting" for
# invitations, updates, reminders, tickets, minutes and actions, "registration" for the codes
# of registration by public link.
MEETING_TOPIC_PREFIXES = ("meeting", "registration")


def visible_messages(*, user) -> QuerySet[OutboxMessage]:
    """The messages `user` may see and resend: all of them for staff; for anyone else, those
    whose topic names a meeting they organize (the rule of events.permissions, staff or one of
    the meeting's organizers): one query for those meetings, then a filter on their topics."""
    return _visible(OutboxMessage.objects.all(), user=user)


def visible_owed_mail(*, user) -> QuerySet[OwedMail]:
    """The owed mail `user` may see, by the rule of visible_messages."""
    return _visible(OwedMail.objects.all(), user=user)


def _visible(rows: QuerySet, *, user) -> QuerySet:
    if not user.is_authenticated:
        return rows.none()
    if sees_every_message(user):
        return rows
    return rows.filter(topic__in=_their_topics(user))


def _their_topics(user) -> list[str]:
    """The topics of the meetings `user` organizes, as a list: the database reads each topic
    through its index instead of matching every message against a subquery. One query, kept on
    the user object for the rest of the request."""
    if not hasattr(user, "_outbox_topics"):
        meetings = user.organized_meetings.order_by().values_list("pk", flat=True)
        user._outbox_topics = [
            f"{prefix}:{pk}" for pk in meetings for prefix in MEETING_TOPIC_PREFIXES
        ]
    return user._outbox_topics


def messages_for_table(*, user) -> QuerySet[OutboxMessage]:
    return visible_messages(user=user).defer("raw").order_by("-created_at", "-pk")


# Sent mail only grows (500,000 messages at national scale): it is counted up to this many, and
# shown as "10000+" beyond, so that the page never counts the whole table.
COUNT_CAP = 10_000
UNSENT = [State.QUEUED, State.SENDING, State.FAILED]


def count_by_state(*, user) -> dict[str, int | str]:
    """How many of the messages `user` may see are in each state, every state present (zero
    when none). Queued, sending and failed mail is counted exactly (an index on the state reads
    only them); sent mail up to COUNT_CAP ("10000+" beyond). Two queries."""
    visible = visible_messages(user=user).order_by()
    counts: dict[str, int | str] = {
        row["state"]: row["count"]
        for row in visible.filter(state__in=UNSENT).values("state").annotate(count=Count("pk"))
    }
    sent = visible.filter(state=State.SENT).values("pk")[: COUNT_CAP + 1].count()
    counts[State.SENT] = f"{COUNT_CAP}+" if sent > COUNT_CAP else sent
    return {state: counts.get(state, 0) for state in State.values}


@dataclass(frozen=True)
class Owed:
    """Emails of one kind that tasks still have to write: how many, owed since when."""

    kind: str
    count: int
    since: datetime

    @property
    def label(self) -> str:
        return str(Kind(self.kind).label)


def owed_by_kind(rows: QuerySet[OwedMail]) -> list[Owed]:
    """What `rows` (e.g. visible_owed_mail, or one meeting's) owe per kind of email: how many
    emails at most, since when. One query."""
    return [
        Owed(kind=row["kind"], count=row["emails"], since=row["since"])
        for row in rows.order_by("kind")
        .values("kind")
        .annotate(emails=Sum("count"), since=Min("owed_since"))
    ]


def owed_about(*, topic: str) -> list[Owed]:
    """What is owed about one topic (e.g. "meeting:12"), per kind of email. One query."""
    return owed_by_kind(OwedMail.objects.filter(topic=topic))


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


def message_for_reading(*, pk: int, user) -> ReadMessage | None:
    """One message `user` may see, with its headers, its plain-text body and the calendar file
    it carries, if any. The HTML part is only listed: the page never shows HTML that went out
    by mail."""
    row = visible_messages(user=user).filter(pk=pk).first()
    if row is None:
        return None
    if row.body_purged_at is not None:
        return ReadMessage(row=row, headers=[], text=None, calendar=None)
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


def _content(part: MIMEPart | None) -> str | None:
    if part is None:
        return None
    try:
        return part.get_content()
    except (LookupError, ValueError):  # an unknown charset or a broken encoding
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else None
