from allauth.account.adapter import DefaultAccountAdapter

from outbox import services as outbox


class AccountAdapter(DefaultAccountAdapter):
    """allauth's mail (sign-in codes, verification) goes through the outbox like all mail."""

    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        outbox.queue_message(message=message, kind=outbox.Kind.ACCOUNT)
