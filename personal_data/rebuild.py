"""Building anew an invitation email whose body retention deleted, for the outbox's resend:
the same invitation, a new answer link (the old ones keep working until the invitation is
withdrawn), the meeting as it is now."""

from django.conf import settings
from django.utils import timezone

from events.mail import invitation_messages
from events.models import Invitation, Meeting
from events.services.answer_links import answer_url, issue_answer_link
from events.services.letters import letter_attachments
from outbox import rebuild
from outbox.models import Kind, OutboxMessage
from outbox.services import queue_messages

from .services.rights import PSEUDONYM_DOMAIN


def rebuild_invitation(message: OutboxMessage) -> list[OutboxMessage]:
    prefix, _, meeting_pk = message.topic.partition(":")
    if prefix != "meeting" or not meeting_pk.isdigit():
        return []
    invitation = (
        Invitation.objects.select_related("meeting__host_agency", "member__agency")
        .filter(
            meeting_id=int(meeting_pk),
            meeting__state=Meeting.State.PUBLISHED,
            member__email__iexact=message.recipient,
            withdrawn_at__isnull=True,
        )
        .exclude(member__email__endswith=PSEUDONYM_DOMAIN)  # erased: nobody to send to
        .first()
    )
    if invitation is None:
        return []
    messages = invitation_messages(
        invitation=invitation,
        answer_url=answer_url(issue_answer_link(invitation=invitation)),
        language=settings.LANGUAGE_CODE,
        stamp=timezone.now(),
    )
    return queue_messages(
        messages=messages,
        kind=Kind.INVITATION,
        topic=message.topic,
        attachments=letter_attachments(invitation.meeting),
    )


def register() -> None:
    rebuild.register(Kind.INVITATION, rebuild_invitation)
