"""The organizer mailbox: where calendar clients mail their replies (CALENDAR_IMAP_URL), read
by Celery beat; each message goes through replies.ingest_calendar_reply."""

from __future__ import annotations

import contextlib
import imaplib
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings

from . import replies

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImapMailbox:
    """Where replies arrive, from CALENDAR_IMAP_URL:
    `imaps://user:password@host:993/INBOX` (TLS), `imap+starttls://…` or `imap://…` (port 143)."""

    security: str  # "ssl", "starttls" or "plain"
    host: str
    port: int
    username: str
    password: str
    folder: str

    @classmethod
    def from_url(cls, url: str) -> ImapMailbox:
        parts = urlsplit(url)
        security = {"imaps": "ssl", "imap+starttls": "starttls", "imap": "plain"}.get(
            parts.scheme.lower()
        )
        if security is None or not parts.hostname:
            raise ValueError("CALENDAR_IMAP_URL must look like imaps://user:password@host/INBOX")
        return cls(
            security=security,
            host=parts.hostname,
            port=parts.port or (993 if security == "ssl" else 143),
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            folder=unquote(parts.path.lstrip("/")) or "INBOX",
        )


def connect_imap(mailbox: ImapMailbox, *, timeout: float = 60) -> imaplib.IMAP4:
    """An IMAP connection to `mailbox`, logged in (imaplib's own TLS and certificate checks)."""
    imap: imaplib.IMAP4
    if mailbox.security == "ssl":
        imap = imaplib.IMAP4_SSL(mailbox.host, mailbox.port, timeout=timeout)
    else:
        imap = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)
        if mailbox.security == "starttls":
            imap.starttls()
    imap.login(mailbox.username, mailbox.password)
    return imap


def fetch_replies_from_imap(
    *,
    url: str | None = None,
    connect: Callable[[ImapMailbox], imaplib.IMAP4] = connect_imap,
) -> Counter:
    """Ingest every unseen message of the organizer mailbox and mark each one \\Seen.

    A message is marked only after it was ingested (its CalendarReply written), so a crash
    leaves it unseen for the next run, and ingesting it again is harmless (Message-ID). A
    message that fails is logged and left unseen; the others go on. A broken connection is
    logged and the run ends: beat runs it again two minutes later. Returns counts per outcome
    (and `failed`).
    """
    url = settings.CALENDAR_IMAP_URL if url is None else url
    counts: Counter = Counter()
    if not url:
        return counts
    mailbox = ImapMailbox.from_url(url)
    try:
        imap = connect(mailbox)
    except (OSError, imaplib.IMAP4.error) as error:
        log.warning("calendar replies: cannot reach %s:%s: %s", mailbox.host, mailbox.port, error)
        counts["failed"] += 1
        return counts
    try:
        imap.select(_quoted(mailbox.folder))
        # typeshed types IMAP4.uid's arguments as str; imaplib leaves a None charset out.
        status, data = imap.uid("SEARCH", None, "UNSEEN")  # type: ignore[arg-type]
        if status != "OK":
            raise imaplib.IMAP4.error(f"SEARCH UNSEEN answered {status}")
        for message_uid in (data[0] or b"").split():
            _ingest_one(imap, message_uid, counts)
    except (OSError, imaplib.IMAP4.error) as error:
        log.warning("calendar replies: %s:%s broke off: %s", mailbox.host, mailbox.port, error)
        counts["failed"] += 1
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            imap.logout()
    return counts


def _ingest_one(imap: imaplib.IMAP4, message_uid: bytes, counts: Counter) -> None:
    # PEEK: the message stays unseen until it has been ingested.
    # imaplib sends bytes arguments as they are; typeshed says str only.
    status, data = imap.uid("FETCH", message_uid, "(BODY.PEEK[])")  # type: ignore[arg-type]
    raw = next((item[1] for item in data or () if isinstance(item, tuple)), None)
    if status != "OK" or raw is None:
        log.warning("calendar replies: cannot fetch message %s", message_uid)
        counts["failed"] += 1
        return
    try:
        reply = replies.ingest_calendar_reply(raw=raw)
    except Exception:
        log.exception("calendar replies: message %s failed; it stays unseen", message_uid)
        counts["failed"] += 1
        return
    imap.uid("STORE", message_uid, "+FLAGS", "(\\Seen)")  # type: ignore[arg-type]
    counts[reply.outcome] += 1


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
