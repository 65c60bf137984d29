"""`python manage.py ingest_reply < message.eml`: one calendar reply read from stdin."""

import sys

from django.core.management.base import BaseCommand, CommandError

from events.models import CalendarReply
from events.services import ingest_calendar_reply


class Command(BaseCommand):
    help = (
        "Read one email (a calendar client's METHOD:REPLY) from standard input and record it: "
        "prints the outcome; exits 1 if the message is not a calendar reply."
    )
    stealth_options = ("stdin",)  # call_command(..., stdin=BytesIO(...)) in tests

    def handle(self, *args, **options):
        stdin = options.get("stdin") or sys.stdin
        raw = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read()
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="surrogateescape")
        reply = ingest_calendar_reply(raw=raw)
        line = f"{reply.outcome}: {reply.detail}"
        if getattr(reply, "repeated", False):
            line = f"{line} (already ingested)"
        if reply.outcome == CalendarReply.Outcome.INVALID:
            raise CommandError(line, returncode=1)
        self.stdout.write(line)
