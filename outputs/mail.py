"""Emails about a meeting's outputs: one message to one member, in their language."""

from email.utils import formataddr

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import override

from members.models import Member


def member_email(
    *, member: Member, template: str, context: dict, language: str
) -> EmailMultiAlternatives:
    """outputs/email/<template>_subject.txt, .txt and .html rendered in `language`, to `member`
    (the name on one line, so it cannot add headers)."""
    with override(language):
        subject = " ".join(
            render_to_string(f"outputs/email/{template}_subject.txt", context).split()
        )
        text = render_to_string(f"outputs/email/{template}.txt", context)
        html = render_to_string(f"outputs/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject[:300],
        body=text,
        to=[member.email],
        headers={
            "To": formataddr((" ".join(member.full_name.split()), member.email)),
            "Content-Language": language,
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
