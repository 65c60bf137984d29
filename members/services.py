from allauth.account.models import EmailAddress
from django.db import transaction

from .models import Member, User


@transaction.atomic
def attach_account_to_member(*, user: User, email: str) -> Member | None:
    """A verified email attaches the account to the member with that email, once.

    An unverified address attaches nothing: anyone can type someone else's email.
    """
    verified = EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
    if not verified:
        return None
    member = (
        Member.objects.select_for_update().filter(email__iexact=email, user__isnull=True).first()
    )
    if member is None:
        return None
    if Member.objects.filter(user=user).exists():
        return None
    member.user = user
    member.save(update_fields=["user", "updated_at"])
    if not user.name:
        user.name = member.full_name
        user.save(update_fields=["name"])
    return member
