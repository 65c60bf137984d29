"""The check-in desk: tickets, who may scan (operators and their links) and every scan
attempt kept for audit."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models import Invitation, Meeting, Session


class Ticket(models.Model):
    """What the QR code holds: a random secret that lets a check-in operator check this one
    person in, nothing else.

    Unlike answer links, the secret is stored as it is: the member's page draws the same QR code
    every time it is opened and a saved picture of it must keep working. A leaked ticket can do
    no more than check someone in, which the organizers see and can undo."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="ticket")
    secret = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"ticket of {self.invitation}"


class CheckInOperator(models.Model):
    """A signed-in user the organizers allow to check people in at this meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="operators")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkin_duties"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_operator_per_meeting")
        ]

    def __str__(self):
        return f"{self.user} at {self.meeting}"


class OperatorLink(models.Model):
    """A link for desk staff without accounts: its holder may check people in for this meeting
    and nothing else, until an organizer revokes it. Only the secret's hash is stored."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="operator_links")
    label = models.CharField(_("name"), max_length=100)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    def __str__(self):
        return self.label


class ScanAttempt(models.Model):
    """Every scan and every undo, successful or not, kept for audit."""

    class Result(models.TextChoices):
        OK = "ok", _("Checked in")
        ALREADY = "already_checked_in", _("Already checked in")
        NOT_INVITED = "not_invited", _("Not invited to this meeting")
        DECLINED = "declined", _("Declined or withdrawn")
        OTHER_MEETING = "other_meeting", _("Ticket of another meeting")
        WRONG_SESSION = "wrong_session", _("Not open for this session")
        INVALID = "invalid", _("Not a valid ticket")
        RATE_LIMITED = "rate_limited", _("Too many scans")
        UNDONE = "undone", _("Check-in undone")

    # No index of its own: (meeting, -recorded_at) leads with it.
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="scan_attempts", db_index=False
    )
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invitation = models.ForeignKey(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    result = models.CharField(max_length=20, choices=Result.choices)
    scanned_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    # No index of their own: the desk's recent attempts (below) lead with them.
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    operator_link = models.ForeignKey(
        OperatorLink,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # What was scanned, cut short: enough to recognise garbage, never a whole secret.
    content_preview = models.CharField(max_length=40, blank=True)
    nonce = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            # One answer per scan the phone numbered: an offline scan uploaded again writes
            # nothing and is answered from this entry. A rate-limited upload was not looked
            # at: uploaded again, it is a new scan.
            models.UniqueConstraint(
                fields=["meeting", "nonce"],
                condition=~Q(nonce="") & ~Q(result="rate_limited"),
                name="one_answer_per_upload",
            ),
        ]
        indexes = [
            models.Index(fields=["meeting", "-recorded_at"]),
            # How fast a desk scans is counted from its latest attempts (services/scan_limits.py).
            models.Index(fields=["operator_link", "recorded_at"], name="scan_attempt_by_link"),
            models.Index(fields=["operator", "recorded_at"], name="scan_attempt_by_operator"),
        ]

    def __str__(self):
        return f"{self.result} at {self.scanned_at}"
