"""The progress link of a follow-up action: a secret link, one per email, that lets the
responsible person post progress without a password; and the email about an action that
carries it."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import override

from core.secrets import hash_secret, lookup_hash, new_secret
from members.models import Member, User
from outbox.models import Kind, OutboxMessage
from outbox.services import queue_messages

from ..mail import member_email
from ..models import Action, ActionLink
from .action_rules import CLOSED_STATUSES, Status, locked_action

log = logging.getLogger(__name__)


def action_for_secret(secret: str) -> Action | None:
    """The action a progress link opens, or None for a forged or mistyped link, or one sent to
    someone no longer responsible. Any link of any email works, whatever came after it. The
    lookup is by the secret's hash (core.secrets); outputs.links opens it, counting wrong
    links."""
    digest = lookup_hash(secret)
    if digest is None:
        return None
    link = (
        ActionLink.objects.select_related(
            "action__meeting__host_agency",
            "action__responsible_agency",
            "action__responsible_member__agency",
        )
        .filter(secret_hash=digest, action__responsible_member=F("member"))
        .first()
    )
    return link.action if link else None


def progress_url(secret: str) -> str:
    return f"{settings.SITE_URL}{reverse('outputs:action_progress', args=[secret])}"


@transaction.atomic
def send_progress_link(*, action: Action, by: User | None = None) -> OutboxMessage | None:
    """Email the responsible person a new progress link (the links of earlier emails keep
    working). Nothing is sent for an action without a responsible person or one that is
    closed."""
    action = locked_action(action)
    member = action.responsible_member
    if member is None or action.status in CLOSED_STATUSES:
        return None
    secret = issue_progress_link(action=action, member=member)
    message = action_message(
        action=action, member=member, template="action_link", link=progress_url(secret)
    )
    [row] = queue_messages(
        messages=[message], kind=Kind.ACTION, topic=f"meeting:{action.meeting_id}"
    )
    log.info("Progress link of action %s sent to member %s by %s", action.pk, member.pk, by)
    return row


def issue_progress_link(*, action: Action, member: Member) -> str:
    """A new progress link for one email to `member`; the caller puts the secret in the link.
    Only its hash is kept."""
    secret, link = new_progress_link(action=action, member=member)
    link.save()
    return secret


def new_progress_link(*, action: Action, member: Member) -> tuple[str, ActionLink]:
    """A progress link's secret and its row, not saved yet (for a bulk_create)."""
    secret = new_secret()
    return secret, ActionLink(action=action, member=member, secret_hash=hash_secret(secret))


def action_message(
    *,
    action: Action,
    member: Member,
    template: str,
    link: str = "",
    extra: dict | None = None,
) -> EmailMultiAlternatives:
    """One email about one action to one person, in their language: templates
    outputs/email/<template>_subject.txt, .txt and .html."""
    language = member.language or settings.LANGUAGE_CODE
    meeting = action.meeting
    with override(language):
        context = {
            "member_name": member.full_name,
            "action": action,
            "meeting": meeting,
            "agency": action.responsible_agency,
            "due": date_format(action.due_date, "j F Y"),
            "status": Status(action.status).label,
            "link": link,
            **(extra or {}),
        }
    return member_email(member=member, template=template, context=context, language=language)
