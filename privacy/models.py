"""What the privacy notice names per agency, and the one use a meeting may have for phones."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Meeting
from members.models import Agency


class AgencyPrivacyContact(models.Model):
    """Who answers for the personal data of the meetings an agency hosts (the controller, UU
    27/2022 Art. 5 and 21), set by staff. An agency without one is shown with the site-wide
    default of the settings (PRIVACY_* in the README)."""

    agency = models.OneToOneField(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="privacy_contact",
    )
    contact = models.CharField(
        _("privacy contact"),
        max_length=250,
        help_text=_("Where people send questions and requests: an address, email or telephone."),
    )
    dpo_name = models.CharField(_("data protection officer"), max_length=200, blank=True)
    dpo_email = models.EmailField(_("data protection officer's email"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agency privacy contact")
        verbose_name_plural = _("agency privacy contacts")

    def __str__(self):
        return str(self.agency)


class PhonePurpose(models.TextChoices):
    CONTACT_LIST = "contact_list", _("Contact list for the meeting day")
    LOGISTICS = "logistics", _("Travel and accommodation arrangements")


class MeetingPhoneUse(models.Model):
    """A meeting on which the organizers use participants' mobile numbers, and for what.

    Without one, no collecting form of the meeting asks for a mobile number (UU 27/2022 Art.
    16(2)(b), 27–28: collect only what a stated purpose uses)."""

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, primary_key=True, related_name="phone_use"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=PhonePurpose.choices)
    enabled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    enabled_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("use of mobile numbers")
        verbose_name_plural = _("uses of mobile numbers")

    def __str__(self):
        return f"{self.meeting}: {self.get_purpose_display()}"
