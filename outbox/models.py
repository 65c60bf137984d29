import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ACCOUNT = "account", _("Sign-in and account")
    INVITATION = "invitation", _("Invitation")
    UPDATE = "update", _("Meeting update")
    CANCELLATION = "cancellation", _("Cancellation")
    REMINDER = "reminder", _("Reminder")
    REGISTRATION = "registration", _("Registration")
    TICKET = "ticket", _("Ticket")
    MINUTES = "minutes", _("Minutes")
    ACTION = "action", _("Follow-up action")
    OTHER = "other", _("Other")


class State(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxMessage(models.Model):
    """One email to one recipient, written before it is sent and kept after.

    `raw` is the whole MIME message with its Message-ID, so a resend is the same message.
    """

    recipient = models.EmailField(_("recipient"))
    from_email = models.CharField(_("from"), max_length=320)
    subject = models.CharField(_("subject"), max_length=500)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    topic = models.CharField(
        _("topic"),
        max_length=64,
        blank=True,
        # Indexed as the first column of outbox_latest_by_recipient (Meta.indexes).
        help_text="What the message is about, e.g. 'meeting:12', for progress per meeting.",
    )
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    raw = models.BinaryField(_("message"))
    # Files stored once elsewhere and added to `raw` when sent (outbox/attachments.py).
    attachments = models.JSONField(default=list, blank=True)
    state = models.CharField(
        _("state"), max_length=8, choices=State.choices, default=State.QUEUED, db_index=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True, db_index=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    # The sending batch that holds the message (outbox.services.delivery).
    claimed_by = models.UUIDField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # When retention deleted `raw` (personal_data.retention): the row keeps what the delivery
    # state needs; a resend builds a new message (personal_data.rebuild).
    body_purged_at = models.DateTimeField(_("body deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            # The invitations table's delivery state: the latest invitation email about a
            # meeting to each invitee (events.selectors.with_delivery_state), read from the
            # index alone on PostgreSQL (the state is included).
            models.Index(
                fields=["topic", "kind", "recipient", "-created_at"],
                include=["state"],
                name="outbox_latest_by_recipient",
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.recipient}"


class OwedMail(models.Model):
    """Mail owed but not written to the outbox yet: one Celery task that writes a batch of it
    (invitations, calendar updates or cancellations, a minutes distribution), recorded in the
    transaction that asks for the mail and deleted once that task succeeds. The task is handed
    to Celery after commit under `task_id`; should the broker lose it or refuse it, the sweeper
    hands it over again from `due_at` (outbox.services.owed). The tasks are idempotent, so a
    task handed over twice writes its mail once."""

    task = models.CharField(max_length=200)  # the Celery task's name
    args = models.JSONField(default=list)
    task_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    topic = models.CharField(max_length=64, db_index=True)  # as OutboxMessage.topic
    count = models.PositiveIntegerField()  # how many emails the task writes, at most
    owed_since = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    handovers = models.PositiveIntegerField(default=0)  # by the sweeper

    class Meta:
        verbose_name = _("owed mail")
        verbose_name_plural = _("owed mail")

    def __str__(self):
        return f"{self.count} × {self.kind} ({self.topic}) owed since {self.owed_since}"
