"""Who may check people in at a meeting: operator accounts, and operator links for desk staff
without an account (the link opens this meeting's scanner and nothing else)."""

from django.db import transaction
from django.utils import timezone

from attendance.models import CheckInOperator, OperatorLink
from core.secrets import SECRET_SHAPE, hash_secret, new_secret
from events.models import Meeting


@transaction.atomic
def add_operator(*, meeting: Meeting, user) -> CheckInOperator:
    """Let a signed-in user check people in at this meeting (and nothing else). Adding twice
    is harmless."""
    operator, _created = CheckInOperator.objects.get_or_create(meeting=meeting, user=user)
    return operator


@transaction.atomic
def remove_operator(*, operator: CheckInOperator) -> None:
    """Take back an account's check-in duty at a meeting."""
    operator.delete()


@transaction.atomic
def create_operator_link(*, meeting: Meeting, label: str, created_by) -> tuple[OperatorLink, str]:
    """A link for desk staff without an account. Only its hash is kept: the secret is returned
    here once, to be shown to the organizer once."""
    secret = new_secret()
    link = OperatorLink.objects.create(
        meeting=meeting,
        label=label.strip()[:100],
        secret_hash=hash_secret(secret),
        created_by=created_by,
    )
    return link, secret


@transaction.atomic
def revoke_operator_link(*, link: OperatorLink) -> OperatorLink:
    """Stop a link from opening the scanner, at once; revoking twice keeps the first time."""
    OperatorLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    link.refresh_from_db(fields=["revoked_at"])
    return link


def operator_link_for_secret(secret: str) -> OperatorLink | None:
    """The standing link `secret` opens, with its meeting, or None (forged, mistyped, revoked).
    The lookup is by the secret's hash."""
    if not secret or not SECRET_SHAPE.fullmatch(secret):
        return None
    return (
        OperatorLink.objects.select_related("meeting")
        .filter(secret_hash=hash_secret(secret), revoked_at__isnull=True)
        .first()
    )
