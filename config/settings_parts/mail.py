"""Mail: the sender, the transport the outbox sends through and how it retries, and the
calendar organizer's mailbox that replies come to."""

from datetime import timedelta
from email.utils import parseaddr

from config.settings_parts.environment import VAR_DIR, env

# Mail: every message goes through the outbox (outbox/); this is the transport it uses.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Rakor <rakor@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The ORGANIZER of calendar invitations: calendar clients send their replies (METHOD:REPLY) here,
# so it must be a mailbox Rakor reads.
CALENDAR_ORGANIZER_EMAIL = env.str(
    "CALENDAR_ORGANIZER_EMAIL", default=parseaddr(DEFAULT_FROM_EMAIL)[1] or "rakor@localhost"
)
# The organizer mailbox Rakor reads calendar replies from, e.g.
# imaps://user:password@imap.example.go.id:993/INBOX; empty: not read (manage.py ingest_reply).
CALENDAR_IMAP_URL = env.str("CALENDAR_IMAP_URL", default="")
EMAIL_FILE_PATH = VAR_DIR / "mail"
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "core.mail_backends.EmlFileBackend"
if EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
    # Django's, sending the outbox's stored messages with the envelope they were written with.
    EMAIL_BACKEND = "core.mail_backends.SmtpBackend"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# A message "sending" this long is taken for one whose worker died, and is sent again.
OUTBOX_STALE_AFTER = timedelta(seconds=env.int("OUTBOX_STALE_AFTER_SECONDS", default=300))
# Retries wait base × 2^attempts seconds (10 s, 20 s, 40 s…), at most an hour (under the Redis
# visibility timeout): a mail server back after a minute gets its mail within seconds, and the
# ten attempts span about an hour and a half.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=10)
OUTBOX_RETRY_BASE_SECONDS = env.float("OUTBOX_RETRY_BASE_SECONDS", default=5)
