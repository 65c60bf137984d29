"""Check-ins (by ticket, by hand, online or as a walk-in) and late signatures."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from attendance.models.desk import OperatorLink
from events.models import Invitation, Meeting, Session

# Answers that keep an invitation from checking in, whatever its ticket.
REFUSED_ANSWERS = (
    Invitation.Answer.NO,
    Invitation.Answer.REPRESENTED,
    Invitation.Answer.WAITLISTED,
)


class CheckIn(models.Model):
    """One person present at one session. The database, not a Python `if`, makes a second scan
    of the same ticket harmless."""

    class Method(models.TextChoices):
        SCAN = "scan", _("Ticket scanned")
        SELF = "self", _("Self check-in")
        MANUAL = "manual", _("By hand")
        WALK_IN = "walk_in", _("Walk-in")
        ONLINE = "online", _("Online")

    # No index of their own: one_checkin_per_session and (session, -at) lead with them, and
    # every scan writes to each index a check-in has.
    invitation = models.ForeignKey(
        Invitation, on_delete=models.PROTECT, related_name="checkins", db_index=False
    )
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="checkins", db_index=False
    )
    at = models.DateTimeField(_("checked in at"))
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    operator_link = models.ForeignKey(
        OperatorLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    operator_name = models.CharField(_("checked in by"), max_length=200, blank=True)
    # The offline scanner's id for this scan: a repeated upload is the same check-in.
    nonce = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 (unique when set)
    signature = models.BinaryField(_("signature (PNG)"), null=True, blank=True)
    # When the signature was given apart from the check-in (at the desk afterwards); empty when
    # it came with the check-in, or there is none. See `signed_time`.
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "session"], name="one_checkin_per_session"
            ),
            # Only scans from the offline queue have one.
            models.UniqueConstraint(
                fields=["nonce"], condition=Q(nonce__isnull=False), name="one_checkin_per_nonce"
            ),
        ]
        indexes = [models.Index(fields=["session", "-at"])]

    def __str__(self):
        return _("check-in of %(person)s at %(session)s") % {
            "person": self.invitation.member,
            "session": self.session,
        }

    @property
    def signed_time(self):
        """When the person signed, or None while unsigned."""
        if self.signature is None:
            return None
        return self.signed_at or self.at


class LateSignature(models.Model):
    """A signature given after the session's daftar hadir closed (its end plus the grace): only
    with an organizer's reason, recorded with who allowed it and when, and marked on the
    sheet (attendance/services/signatures.py)."""

    checkin = models.OneToOneField(CheckIn, on_delete=models.CASCADE, related_name="late_signature")
    reason = models.CharField(_("reason"), max_length=300)
    allowed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    allowed_by_name = models.CharField(_("allowed by"), max_length=200)
    allowed_at = models.DateTimeField(_("allowed at"))

    class Meta:
        verbose_name = _("late signature")
        verbose_name_plural = _("late signatures")

    def __str__(self):
        return self.reason


class WalkIn(models.Model):
    """Someone who came without an invitation and registered at the venue, for the organizers
    to review; accepted, they become an invitation with a check-in."""

    class State(models.TextChoices):
        PENDING = "pending", _("To review")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="walk_ins")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="walk_ins")
    full_name = models.CharField(_("full name"), max_length=200)
    nip = models.CharField(_("NIP"), max_length=18, blank=True)
    agency_name = models.CharField(_("agency"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    phone = models.CharField(_("mobile number"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    signature = models.BinaryField(null=True, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    invitation = models.ForeignKey(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The organizer who accepted or rejected them, and when.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=~Q(email=""),
                name="one_walk_in_per_email_and_session",
            )
        ]

    def __str__(self):
        return self.full_name
