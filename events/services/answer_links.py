"""Answer links: the secret each invitation email carries, and finding the invitation a link
opens."""

from collections.abc import Sequence

from django.conf import settings
from django.urls import reverse

from core.secrets import hash_secret, lookup_hash, new_secret

from ..models import AnswerLink, Invitation


def issue_answer_link(*, invitation: Invitation) -> str:
    """A new secret for one email; the caller puts it in the link. Only its hash is kept."""
    return issue_answer_links(invitations=[invitation])[invitation.pk]


def issue_answer_links(*, invitations: Sequence[Invitation]) -> dict[int, str]:
    """A new secret per invitation, written in one query: {invitation pk: secret}."""
    secrets = {invitation.pk: new_secret() for invitation in invitations}
    AnswerLink.objects.bulk_create(
        [
            AnswerLink(invitation_id=pk, secret_hash=hash_secret(secret))
            for pk, secret in secrets.items()
        ],
        batch_size=500,
    )
    return secrets


def answer_url(secret: str) -> str:
    """The absolute address of the answer page a secret opens, for emails."""
    return f"{settings.SITE_URL}{reverse('events:answer', args=[secret])}"


def invitation_for_secret(secret: str) -> Invitation | None:
    """The invitation a link opens, or None for a forged, mistyped or withdrawn one.

    The lookup is by the secret's hash (core.secrets). Call it through events.links, which
    counts wrong links.
    """
    digest = lookup_hash(secret)
    if digest is None:
        return None
    link = (
        AnswerLink.objects.select_related(
            "invitation__meeting__host_agency",
            "invitation__member__agency",
            "invitation__represented_by__member",
        )
        .filter(secret_hash=digest, invitation__withdrawn_at__isnull=True)
        .first()
    )
    return link.invitation if link else None
