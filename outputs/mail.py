"""Emails about a meeting's outputs: one message to one member, in their language."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import override

from core.dates import format_day
from events.models import Meeting
from members.mail import member_email as personal_email
from members.models import Member


def member_email(
    *, member: Member, template: str, context: dict, language: str
) -> EmailMultiAlternatives:
    """outputs/email/<template>_subject.txt, .txt and .html rendered in `language`, to
    `member` (see members.mail.member_email)."""
    with override(language):
        subject = render_to_string(f"outputs/email/{template}_subject.txt", context)
        text = render_to_string(f"outputs/email/{template}.txt", context)
        html = render_to_string(f"outputs/email/{template}.html", context)
    return personal_email(
        name=member.full_name,
        email=member.email,
        language=language,
        subject=subject[:300],
        text=text,
        html=html,
    )


def first_day(meeting: Meeting, language: str) -> str:
    """The meeting's first day in `language`, read once per meeting and language."""
    cache = meeting.__dict__.setdefault("_rakor_first_day", {})
    if language not in cache:
        first = meeting.sessions.order_by("starts_at").first()
        with override(language):
            cache[language] = format_day(first.starts_at, meeting.time_zone) if first else ""
    return cache[language]
