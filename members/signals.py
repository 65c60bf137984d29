from allauth.account.signals import email_confirmed, user_logged_in
from django.dispatch import receiver

from . import services


@receiver(email_confirmed)
def attach_member_on_confirmation(email_address, **kwargs):
    services.attach_account_to_member(user=email_address.user, email=email_address.email)


@receiver(user_logged_in)
def attach_member_on_sign_in(user, **kwargs):
    services.attach_account_to_member(user=user, email=user.email)
