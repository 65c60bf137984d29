"""Hybrid meetings: online attendance from the video platforms' reports
(attendance/services/online_reports.py, online_import.py, online_threshold.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models import Invitation, Meeting, Session


def online_reports_storage():
    # Outside MEDIA_ROOT (settings.STORAGES["documents"]): the evidence is served only to the
    # meeting's organizers (attendance/views/online.py).
    from django.core.files.storage import storages

    return storages["documents"]


def online_report_path(report: "OnlineReport", _filename: str) -> str:
    import secrets

    return f"online-reports/{report.meeting_id}/{secrets.token_urlsafe(16)}"


class OnlineReport(models.Model):
    """A video platform's participant report an organizer uploaded for one session, kept as it
    came: it is the evidence of everyone it made present online. A draft is read and previewed;
    imported, it has merged its people into OnlineAttendance."""

    class Platform(models.TextChoices):
        ZOOM = "zoom", "Zoom"
        MEET = "meet", "Google Meet"
        TEAMS = "teams", "Microsoft Teams"

    class State(models.TextChoices):
        DRAFT = "draft", _("To review")
        IMPORTED = "imported", _("Imported")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="online_reports")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="online_reports")
    platform = models.CharField(_("platform"), max_length=8, choices=Platform.choices)
    file = models.FileField(upload_to=online_report_path, storage=online_reports_storage)
    filename = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64)
    # Columns the organizer mapped by hand: {field: header as written in the file}.
    mapping = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.DRAFT)
    rows = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # The same file imported twice for a session is refused: it would change nothing.
            models.UniqueConstraint(
                fields=["session", "sha256"],
                condition=Q(state="imported"),
                name="one_import_per_report_and_session",
            )
        ]

    def __str__(self):
        return self.filename


class OnlineAttendance(models.Model):
    """How long one person was in one session's video meeting, by every report imported for
    it: the union of their join–leave intervals (two devices or the same report twice add
    nothing), in minutes, and whether that reached the meeting's threshold when last merged.
    It is evidence beside the one CheckIn of the person and session, never a second check-in."""

    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="online_attendances"
    )
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="online_attendances", db_index=False
    )
    # [[start ISO, end ISO], ...], sorted and disjoint.
    intervals = models.JSONField(default=list)
    minutes = models.PositiveIntegerField(_("online minutes"), default=0)
    reached = models.BooleanField(default=False)
    # Someone the report named who had no invitation, added by the organizer (tanpa undangan).
    uninvited = models.BooleanField(default=False)
    reports = models.ManyToManyField(OnlineReport, related_name="attendances")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "invitation"], name="one_online_attendance_per_session"
            )
        ]

    def __str__(self):
        return f"{self.invitation} online @ {self.session}: {self.minutes} min"
