from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models.invitations import Invitation
from events.models.meetings import Session

# The answers a calendar reply can carry that Rakor records (RFC 5545 §3.2.12 PARTSTAT).
ANSWER_FOR_PARTSTAT = {
    "ACCEPTED": Invitation.Answer.YES,
    "DECLINED": Invitation.Answer.NO,
    "TENTATIVE": Invitation.Answer.MAYBE,
}


class CalendarReply(models.Model):
    """A METHOD:REPLY from a calendar client, kept whatever became of it, for the organizers."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Answer updated")
        NOTED = "noted", _("About one session: shown, not applied")
        IGNORED = "ignored", _("Ignored: not sent by the invitee")
        STALE = "stale", _("Older than the last answer")
        UNKNOWN = "unknown", _("No matching invitation")
        INVALID = "invalid", _("Not a calendar reply")

    received_at = models.DateTimeField(auto_now_add=True)
    message_id = models.CharField(max_length=255, blank=True)
    sender = models.CharField(max_length=320, blank=True)  # the address in From:
    uid = models.CharField(max_length=255, blank=True)
    attendee = models.CharField(max_length=320, blank=True)
    sequence = models.IntegerField(null=True, blank=True)
    partstat = models.CharField(max_length=20, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    detail = models.TextField(blank=True)
    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calendar_replies",
    )
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"], condition=~Q(message_id=""), name="one_reply_per_message_id"
            )
        ]

    def __str__(self):
        return f"{self.attendee} {self.partstat} ({self.outcome})"

    @property
    def answer_label(self) -> str:
        """The reply's PARTSTAT as the answer it would be ("Declines")."""
        answer = ANSWER_FOR_PARTSTAT.get(self.partstat)
        return str(answer.label) if answer else self.partstat
