"""Helpers for browser tests."""

import email
import email.policy
import time
from email.message import EmailMessage

from django.core import mail

PHONE_WIDTH = 360  # CSS pixels: the narrowest phone Rakor is made for


def page_width(page) -> int:
    """The document's full width in CSS pixels: wider than the viewport means sideways scroll."""
    return page.evaluate("() => document.documentElement.scrollWidth")


def sent_mail(to: str, *, timeout: float = 10.0) -> EmailMessage:
    """The latest message sent to `to` (Django's locmem backend), parsed from its raw bytes.

    The outbox sends after commit through an eager Celery task, so under live_server the
    message lands in django.core.mail.outbox; wait a little in case it is not there yet.
    """
    deadline = time.monotonic() + timeout
    while True:
        for message in reversed(mail.outbox):
            if to in message.recipients():
                return email.message_from_bytes(
                    message.message().as_bytes(), policy=email.policy.default
                )
        if time.monotonic() > deadline:
            raise AssertionError(f"No mail to {to} in {[m.recipients() for m in mail.outbox]}")
        time.sleep(0.1)
