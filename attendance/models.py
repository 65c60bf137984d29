from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models import Invitation, Meeting, Session

# Answers that keep an invitation from checking in, whatever its ticket.
REFUSED_ANSWERS = (
    Invitation.Answer.NO,
    Invitation.Answer.REPRESENTED,
    Invitation.Answer.WAITLISTED,
)


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
        return f"{self.invitation} @ {self.session}"

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
        return f"daftar hadir settings of {self.meeting_id}"


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


# --- Hybrid meetings: online attendance (attendance/online/) ----------------------------------


def online_reports_storage():
    # Outside MEDIA_ROOT (settings.STORAGES["documents"]): the evidence is served only to the
    # meeting's organizers (attendance/views/online.py).
    from django.core.files.storage import storages

    return storages["documents"]


def online_report_path(report: "OnlineReport", filename: str) -> str:
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
