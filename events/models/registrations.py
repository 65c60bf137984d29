from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models.invitations import Invitation
from events.models.meetings import Meeting
from members.models import Agency


class Registration(models.Model):
    """Someone asking, through the meeting's public page, to be invited.

    It counts only once the email address is confirmed with the code sent to it; then it becomes
    an invitation like any other (or waits for the organizer's approval)."""

    class State(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Email not confirmed")
        AWAITING_APPROVAL = "awaiting", _("Awaiting approval")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.UNCONFIRMED, db_index=True
    )
    email = models.EmailField(_("email"))
    full_name = models.CharField(_("full name"), max_length=200)
    nip = models.CharField(_("NIP"), max_length=18, blank=True)
    agency_name = models.CharField(_("agency"), max_length=200)
    agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    work_unit = models.CharField(_("work unit"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    rank = models.CharField(_("rank"), max_length=5, blank=True)
    phone = models.CharField(_("mobile number"), max_length=20, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invitation = models.OneToOneField(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="registration"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["meeting", "email"])]

    def __str__(self):
        return f"{self.full_name} <{self.email}> → {self.meeting}"
