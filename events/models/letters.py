from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models.meetings import Meeting


class InvitationLetter(models.Model):
    """The surat undangan of a meeting, as tata naskah dinas writes it (ANRI 5/2021): what the
    organizer sets; the rest (the kop, the days, times, place, agenda, online link and the list
    of invitees) is read from the meeting when the letter is rendered (events/letters/).

    Its number is the meeting's letter number (Meeting.letter_number). Marked final, it is
    frozen through the records app (one version per finalisation, upload or ralat); the latest
    version is attached to every invitation and update email."""

    class Nature(models.TextChoices):
        ORDINARY = "biasa", _("Ordinary")
        URGENT = "segera", _("Urgent")
        VERY_URGENT = "sangat_segera", _("Very urgent")
        RESTRICTED = "terbatas", _("Restricted")

    class TravelCosts(models.TextChoices):
        OWN_AGENCY = "own_agency", _("Borne by each participant's own agency")
        HOST = "host", _("Borne by the host")
        NOT_MENTIONED = "none", _("Not mentioned")
        OTHER = "other", _("Another sentence")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="letter")
    place = models.CharField(_("place"), max_length=100, help_text=_("Where it is signed."))
    letter_date = models.DateField(_("date of the letter"))
    nature = models.CharField(
        _("nature (sifat)"), max_length=16, choices=Nature.choices, default=Nature.ORDINARY
    )
    enclosures = models.CharField(
        _("enclosures (lampiran)"),
        max_length=100,
        blank=True,
        help_text=_("Left empty: one sheet when the invitees are listed, else none."),
    )
    subject = models.CharField(_("subject (hal)"), max_length=300)
    addressed_to_list = models.BooleanField(
        _("addressed to the attached list of invitees"), default=True
    )
    addressees = models.TextField(
        _("addressees (Yth.)"), blank=True, help_text=_("By position, one per line.")
    )
    addressee_location = models.CharField(_("at"), max_length=100, default="Tempat")
    opening = models.TextField(_("opening paragraph"))
    closing = models.TextField(_("closing paragraph"))
    travel_costs = models.CharField(
        _("travel costs"),
        max_length=12,
        choices=TravelCosts.choices,
        default=TravelCosts.OWN_AGENCY,
    )
    travel_costs_text = models.TextField(_("sentence on travel costs"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact's phone"), max_length=40, blank=True)
    signatory_position = models.CharField(_("position of the signatory"), max_length=250)
    signatory_name = models.CharField(_("name of the signatory"), max_length=200)
    signatory_nip = models.CharField(_("NIP of the signatory"), max_length=18, blank=True)
    carbon_copies = models.TextField(
        _("copies to (tembusan)"), blank=True, help_text=_("One per line.")
    )
    # What the latest final version was issued as: {"version", "number", "date" (ISO),
    # "uploaded", "facts"}, where facts are the meeting's details it printed (letters/content.py
    # printed_facts): what the notulen cites ("Dasar: Surat Undangan Nomor … tanggal …"), what a
    # ralat says it corrects, and how a change of the meeting since is found.
    issued = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("invitation letter")
        verbose_name_plural = _("invitation letters")

    def __str__(self):
        return f"surat undangan of {self.meeting}"
