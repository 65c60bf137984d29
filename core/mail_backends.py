"""Mail transports: Django's SMTP backend for messages written in advance (the outbox's), and
one for machines with no mail server, which writes one readable .eml file per message."""

import functools
import re
import smtplib
import threading
from pathlib import Path

from django.conf import settings
from django.core.mail.backends import smtp
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import sanitize_address
from django.utils import timezone
from django.utils.crypto import get_random_string

# A bare address that sanitize_address returns unchanged: a dot-atom local part at an ASCII
# domain whose labels the IDNA codec passes through as they are.
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*"
)


def envelope_address(address: str) -> str:
    """What Django's SMTP backend hands the server for `address` (sanitize_address, which
    parses it with the email package: most of the cost of sending a stored message): a plain
    address as it is, anything else sanitized, the same few senders once."""
    if _PLAIN_ADDRESS.fullmatch(address):
        return address
    return _sanitized(address, settings.DEFAULT_CHARSET)


@functools.lru_cache(maxsize=256)
def _sanitized(address: str, encoding: str) -> str:
    return sanitize_address(address, encoding)


class SmtpBackend(smtp.EmailBackend):
    """Django's SMTP backend (EMAIL_URL smtp://…). A message that carries its `envelope`
    (sender, recipients), as the outbox's stored messages do, is sent with it, as it is;
    any other message goes Django's way."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sending = threading.RLock()  # one conversation at a time on this connection

    def send_messages(self, email_messages):
        if not all(hasattr(message, "envelope") for message in email_messages):
            return super().send_messages(email_messages)
        with self.sending:
            new_connection = self.open()
            if not self.connection or new_connection is None:
                return 0  # it failed silently
            sent = 0
            try:
                for message in email_messages:
                    sender, recipients = message.envelope
                    raw = message.message().as_bytes(linesep="\r\n")
                    try:
                        self.connection.sendmail(sender, recipients, raw)
                    except smtplib.SMTPException:
                        if not self.fail_silently:
                            raise
                    else:
                        sent += 1
            finally:
                if new_connection:
                    self.close()
        return sent


class EmlFileBackend(BaseEmailBackend):
    _lock = threading.Lock()

    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.folder = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages):
        self.folder.mkdir(parents=True, exist_ok=True)
        for email_message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
            path = self.folder / f"{stamp}-{get_random_string(6)}.eml"
            path.write_bytes(email_message.message().as_bytes(linesep="\n"))
        return len(email_messages)
