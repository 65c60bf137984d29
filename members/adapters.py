from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse
from django.utils.translation import get_language

from members.mail import automatic_headers
from outbox import services as outbox


class AccountAdapter(DefaultAccountAdapter):
    """allauth's mail (sign-in codes, verification) goes through the outbox like all mail.

    Messages are rendered in the language active for the request that asks for them, the
    language the person was reading the page in.
    """

    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request) if request else None,
            "site_url": settings.SITE_URL,
            "login_url": settings.SITE_URL + reverse("account_login"),
            "login_code_minutes": max(app_settings.LOGIN_BY_CODE_TIMEOUT // 60, 1),
            "verification_code_minutes": max(
                app_settings.EMAIL_VERIFICATION_BY_CODE_TIMEOUT // 60, 1
            ),
        }
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        for name, value in automatic_headers(get_language() or "").items():
            message.extra_headers.setdefault(name, value)
        outbox.queue_message(message=message, kind=outbox.Kind.ACCOUNT)
