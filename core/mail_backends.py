"""A mail transport for machines with no mail server: one readable .eml file per message."""

import threading
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django.utils.crypto import get_random_string


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
