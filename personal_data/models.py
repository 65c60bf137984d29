"""Personal data under UU 27/2022: the log of bulk access (Art. 31), the person's requests and
the links to "Data saya" (Art. 6–8, 32, 40–44), and the log of what retention destroyed
(Art. 42–45)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Meeting
from members.models import Member


class Access(models.TextChoices):
    """What was viewed or exported: the pages and files that show many people's data."""

    DIRECTORY = "directory", _("Members directory")
    DIRECTORY_EXPORT = "directory_export", _("Members directory export")
    INVITATIONS = "invitations", _("Invitations table")
    INVITATIONS_EXPORT = "invitations_export", _("Invitations export")
    ATTENDANCE = "attendance", _("Attendance table")
    ATTENDANCE_EXPORT = "attendance_export", _("Attendance export")
    DAFTAR_HADIR = "daftar_hadir", _("Attendance sheet with signatures (PDF)")
    RECORD = "record", _("Frozen record (PDF or DOCX)")
    SPJ_BUNDLE = "spj_bundle", _("SPJ bundle")
    OWN_EXPORT = "own_export", _("The person's own export")
    ONLINE_REPORT = "online_report", _("Video platform participant report (preview or file)")


class AccessEntry(models.Model):
    """One view or export of personal data in bulk: who, what, how many people, when, from
    where. Written by personal_data.services.record_access, never changed."""

    at = models.DateTimeField(_("when"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who, as it was at the time (an account's email, or the person opening their own data).
    user_label = models.CharField(_("who"), max_length=250)
    what = models.CharField(_("what"), max_length=24, choices=Access.choices)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    people = models.PositiveIntegerField(_("people"))
    client_address = models.GenericIPAddressField(_("from"), null=True, blank=True)
    path = models.CharField(_("address"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self):
        return f"{self.user_label}: {self.what} ({self.people}) at {self.at}"


class AccessedPerson(models.Model):
    """One person whose data an access entry showed: what "who saw my data?" and the breach
    command read. The links are DO_NOTHING so retention deletes entries and their people with
    one statement each (personal_data.retention), whatever their number; the member link has
    no database constraint, so the log outlives a member deleted as inactive."""

    entry = models.ForeignKey(AccessEntry, on_delete=models.DO_NOTHING, related_name="+")
    member = models.ForeignKey(
        Member, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )

    class Meta:
        verbose_name = _("person in an access log entry")
        verbose_name_plural = _("people in access log entries")
        indexes = [models.Index(fields=["member", "entry"])]

    def __str__(self):
        return f"member {self.member_id} in entry {self.entry_id}"


class DataLink(models.Model):
    """A link to "Data saya" emailed on request: only the SHA-256 of its secret is kept; it
    opens the person's page until `expires_at`."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"data link #{self.pk} of {self.member_id}"


class RightsRequest(models.Model):
    """A person's request under UU 27/2022 that staff must answer within 3 × 24 hours."""

    class Kind(models.TextChoices):
        ERASURE = "erasure", _("Erase my data")
        STOP = "stop", _("Stop processing my data")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Carried out")
        REFUSED = "refused", _("Refused")

    member = models.ForeignKey(
        Member, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("request"), max_length=8, choices=Kind.choices)
    reason = models.TextField(_("reason"), blank=True)
    state = models.CharField(
        _("state"), max_length=8, choices=State.choices, default=State.OPEN, db_index=True
    )
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("answer due by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answer = models.TextField(_("answer sent"), blank=True)

    class Meta:
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        ordering = ["due_at", "pk"]

    def __str__(self):
        return f"{self.kind} request of {self.member_id} ({self.state})"


class Destruction(models.Model):
    """What one retention run deleted or pseudonymised, per data class (Art. 44–45)."""

    at = models.DateTimeField(_("when"), db_index=True)
    data_class = models.CharField(_("data class"), max_length=40)
    count = models.PositiveIntegerField(_("count"))
    rule = models.CharField(_("rule"), max_length=300)

    class Meta:
        verbose_name = _("destruction log entry")
        verbose_name_plural = _("destruction log")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.data_class}: {self.count} at {self.at}"
