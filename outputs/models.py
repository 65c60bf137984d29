from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models import AgendaItem, Meeting
from members.models import Agency, Member


class Minutes(models.Model):
    """The notulen of one meeting. Its header (date, place, chair, who attended) is read from the
    meeting and the attendance records when shown, so it is always current; its body is the
    sections, one per agenda item, written in Markdown."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")
        DISTRIBUTED = "distributed", _("Distributed")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True
    )
    conclusions = models.TextField(_("conclusions"), blank=True)
    # Approval: by the chair, with the name and NIP printed on the signed document.
    version = models.PositiveIntegerField(_("approved version"), default=0)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approver_name = models.CharField(_("approved by"), max_length=200, blank=True)
    approver_nip = models.CharField(_("NIP of the approver"), max_length=18, blank=True)
    # Why the approved minutes are being corrected: the reason of the next frozen version.
    correction_reason = models.CharField(_("reason for the correction"), max_length=500, blank=True)
    distributed_at = models.DateTimeField(_("distributed at"), null=True, blank=True)
    # The distribution's emails are written by a Celery task after the organizer's request
    # (owed mail of the outbox until then): written_at says they are; pdf_failed_at is when
    # its PDF last could not be made.
    distribution_written_at = models.DateTimeField(null=True, blank=True)
    distribution_pdf_failed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self):
        return _("minutes of %(meeting)s") % {"meeting": self.meeting}

    @property
    def distribution_delayed_by_pdf(self) -> bool:
        """The distribution is owed and its PDF could not be made the last time it was tried."""
        return (
            self.state == self.State.DISTRIBUTED
            and self.distribution_written_at is None
            and self.distribution_pdf_failed_at is not None
        )


class ActivityReport(models.Model):
    """The laporan kegiatan of a meeting (Permenpan 80/2012, Contoh 18): its narrative, drafted
    from the meeting's data and edited by the official who makes it and signs it (name,
    position, NIP, place and date). The rest (what was done, who attended, what was decided) is
    read from the meeting when it is rendered; finalised, it is frozen as a record."""

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="activity_report"
    )
    background = models.TextField(_("general background"))
    purpose = models.TextField(_("purpose and objectives"))
    scope = models.TextField(_("scope"), help_text=_("One item per line."))
    basis = models.TextField(
        _("basis"), help_text=_("DIPA, decree (SK), letters of assignment…; one per line.")
    )
    obstacles = models.TextField(_("obstacles"), blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    suggestions = models.TextField(_("suggestions"), blank=True)
    closing = models.TextField(_("closing"))
    author_name = models.CharField(_("name of the official making the report"), max_length=200)
    author_position = models.CharField(_("position"), max_length=250)
    author_nip = models.CharField(_("NIP"), max_length=18, blank=True)
    place = models.CharField(_("place"), max_length=100)
    report_date = models.DateField(_("date of the report"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("activity report")
        verbose_name_plural = _("activity reports")

    def __str__(self):
        return _("activity report of %(meeting)s") % {"meeting": self.meeting}


class MinutesSection(models.Model):
    """The discussion of one agenda item (or a free section when agenda_item is empty)."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="sections")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=300)
    discussion = models.TextField(_("discussion"), blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class MinutesRevision(models.Model):
    """Every save of the minutes: who, when and the whole text then, to compare two of them.
    The approved versions are revisions too, marked with their version number."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="revisions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    content = models.JSONField(help_text="{'sections': [{'title', 'discussion'}], 'conclusions'}")
    approved_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("revision %(number)s of the %(minutes)s") % {
            "number": self.pk,
            "minutes": self.minutes,
        }


class ReviewLink(models.Model):
    """A reviewer's secret link (no password) to comment on the minutes while in review."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="review_links")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["minutes", "member"], name="one_review_link_per_member")
        ]

    def __str__(self):
        return _("review by %(member)s") % {"member": self.member}


class ReviewComment(models.Model):
    review = models.ForeignKey(ReviewLink, on_delete=models.CASCADE, related_name="comments")
    section = models.ForeignKey(
        MinutesSection, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.text[:60]


class Decision(models.Model):
    """A keputusan: numbered per meeting, linked to the agenda item it was taken under."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    number = models.PositiveIntegerField(_("number"))
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    text = models.TextField(_("decision"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="decision_number_per_meeting"
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:60]}"


class Action(models.Model):
    """A rencana tindak lanjut: what, who (an agency and/or a person), by when, and how it goes."""

    class Status(models.TextChoices):
        OPEN = "terbuka", _("Open")
        IN_PROGRESS = "berjalan", _("In progress")
        DONE = "selesai", _("Done")
        CANCELLED = "dibatalkan", _("Cancelled")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    decision = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    title = models.TextField(_("what"))
    responsible_agency = models.ForeignKey(
        Agency,
        verbose_name=_("responsible agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    responsible_member = models.ForeignKey(
        Member,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    carried_to = models.ForeignKey(
        AgendaItem,
        verbose_name=_("carried into the agenda of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_actions",
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(responsible_agency__isnull=False) | Q(responsible_member__isnull=False),
                name="action_has_someone_responsible",
            )
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return self.title[:80]


class ActionLink(models.Model):
    """A secret link (no password) for the responsible person to post progress on one action.

    Every email that carries a progress link gets a link of its own; all of them open the action
    for as long as the person they were sent to stays responsible for it (a done or cancelled
    action is then shown read-only). Only the SHA-256 of the secret is stored, so a copy of the
    database opens nothing.
    """

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="links")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"progress link #{self.pk} of action {self.action_id}"


class ActionProgress(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress")
    note = models.TextField(_("progress"))
    status = models.CharField(_("status"), max_length=12, choices=Action.Status.choices)
    author_name = models.CharField(_("by"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.note[:60]


class ActionReminderSent(models.Model):
    """One reminder about one action, written with its email so beat running twice sends once."""

    class Kind(models.TextChoices):
        BEFORE_DUE = "before_due", _("Due soon")
        OVERDUE = "overdue", _("Overdue")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    due_date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["action", "kind", "due_date"], name="one_action_reminder_per_kind_and_due"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.due_date}"


def documents_storage():
    # Outside MEDIA_ROOT (settings.STORAGES["documents"]): served only through the checked view.
    from django.core.files.storage import storages

    return storages["documents"]


def document_path(document: "Document", _filename: str) -> str:
    # Random names: the stored file's name must not be guessable from the meeting or the upload.
    import secrets

    return f"documents/{document.meeting_id}/{secrets.token_urlsafe(16)}"


class Document(models.Model):
    """Materi, dokumentasi and other files of a meeting, served only to those allowed."""

    class Kind(models.TextChoices):
        MATERIAL = "materi", _("Material / slides")
        PHOTO = "dokumentasi", _("Photo")
        OTHER = "lainnya", _("Other")

    class Visibility(models.TextChoices):
        ORGANIZERS = "organizers", _("Organizers only")
        PARTICIPANTS = "participants", _("Participants")
        PUBLIC = "public", _("Public")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.MATERIAL)
    visibility = models.CharField(
        _("visible to"), max_length=12, choices=Visibility.choices, default=Visibility.PARTICIPANTS
    )
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(upload_to=document_path, storage=documents_storage)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.title
