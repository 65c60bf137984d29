"""The daftar hadir: how it is closed and certified, excuses, and the attendance statuses
read from it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Invitation, Meeting, Session


class SheetSettings(models.Model):
    """How a meeting's daftar hadir is closed and certified: the grace after each session's end
    during which people may still sign, and who certifies the sheet ("Mengetahui,")."""

    class Certifier(models.TextChoices):
        PPK = "ppk", _("Commitment-making officer (PPK)")
        COMMITTEE_CHAIR = "ketua_panitia", _("Chair of the organizing committee")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="sheet_settings")
    signature_grace_minutes = models.PositiveIntegerField(
        _("signatures close this many minutes after a session ends"), default=60
    )
    certifier = models.CharField(
        _("certified by"), max_length=16, choices=Certifier.choices, default=Certifier.PPK
    )
    certifier_name = models.CharField(_("name"), max_length=200, blank=True)
    certifier_nip = models.CharField(_("NIP"), max_length=18, blank=True)
    place = models.CharField(
        _("place of certification"), max_length=100, blank=True, help_text=_("e.g. Jakarta")
    )
    # Online attendance (hybrid meetings): the minutes in a session's video meeting that make
    # someone present online; empty means half of the session.
    online_threshold_minutes = models.PositiveIntegerField(
        _("minutes online that count as present"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("daftar hadir settings")
        verbose_name_plural = _("daftar hadir settings")

    def __str__(self):
        return _("daftar hadir settings of %(meeting)s") % {"meeting": self.meeting}


class Status(models.TextChoices):
    """What an invitee was at a session (or at the meeting): the rule of
    attendance.selectors.with_attendance_status."""

    PRESENT = "present", _("Present")
    EXCUSED = "excused", _("Excused")
    REPRESENTED = "represented", _("Represented")
    ABSENT = "absent", _("Absent")


class Attended(models.TextChoices):
    """How someone present at a session attended: the rule of
    attendance.selectors.attended_how (an online check-in is online; a check-in at the venue
    with online evidence that reached the threshold is both)."""

    ROOM = "room", _("In the room")
    ONLINE = "online", _("Online")
    BOTH = "both", _("In the room and online")


class Excuse(models.Model):
    """Izin: the organizer records that an invitee is excused from a session, with the reason."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="excuses")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="excuses")
    reason = models.CharField(_("reason"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invitation", "session"], name="one_excuse_per_session")
        ]

    def __str__(self):
        return self.reason
