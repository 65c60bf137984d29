"""Official records of a meeting: frozen documents with their versions, the audit trail of
changes to records, and the SPJ bundles built for download.

A frozen document's bytes live in the database (RecordFile), in the same transaction as its
row: a freeze that rolls back leaves nothing behind, and a backup of the database holds every
record with its hash. Bundles are large and temporary, so they are files (settings.STORAGES
["records"]) deleted when they expire.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.background import BackgroundFile
from events.models import Meeting


class RecordFile(models.Model):
    """The bytes of one frozen file (a PDF or a DOCX), never changed once written."""

    content = models.BinaryField()

    def __str__(self):
        return f"record file #{self.pk}"


class FrozenDocument(models.Model):
    """One version of a document that is final: rendered once, signed when a certificate is
    configured, and served as these bytes forever. A correction is a new version of the same
    (meeting, kind, subject); the one it replaces is marked superseded and stays available."""

    class Kind(models.TextChoices):
        SURAT_UNDANGAN = "surat_undangan", _("Invitation letter")
        DAFTAR_HADIR = "daftar_hadir", _("Attendance sheet")
        NOTULEN = "notulen", _("Minutes")
        LAPORAN = "laporan", _("Activity report")
        OTHER = "other", _("Other document")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="frozen_documents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # What the document is of: the Session of a daftar hadir, the Minutes of a notulen, …
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=300)
    pdf = models.ForeignKey(RecordFile, on_delete=models.PROTECT, related_name="+")
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, db_index=True)
    pdf_size = models.PositiveBigIntegerField()
    docx = models.ForeignKey(
        RecordFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    docx_sha256 = models.CharField(_("SHA-256 of the DOCX"), max_length=64, blank=True)
    docx_size = models.PositiveBigIntegerField(null=True, blank=True)
    frozen_at = models.DateTimeField(_("frozen at"))
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason for this version"), blank=True)
    # The names printed on the document as signing it (e.g. the chair and the minute-taker).
    signers = models.JSONField(_("signed by"), default=list, blank=True)
    signed = models.BooleanField(_("electronically signed"), default=False)
    # How it was signed and what the validation found when it was frozen: see records/signing.
    signature = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    # SHA-256 of the verification code printed on the document; the code itself is not kept.
    code_hash = models.CharField(max_length=64, unique=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("frozen document")
        verbose_name_plural = _("frozen documents")
        ordering = ["-frozen_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject_type__isnull=True, subject_id__isnull=True)
                | Q(subject_type__isnull=False, subject_id__isnull=False),
                name="frozen_subject_complete_or_empty",
            ),
            models.UniqueConstraint(
                fields=["meeting", "kind", "version"],
                condition=Q(subject_type__isnull=True),
                name="one_frozen_version_number_per_meeting_kind",
            ),
            models.UniqueConstraint(
                fields=["meeting", "kind", "subject_type", "subject_id", "version"],
                condition=Q(subject_type__isnull=False),
                name="one_frozen_version_number_per_subject",
            ),
            models.UniqueConstraint(
                fields=["meeting", "kind"],
                condition=Q(subject_type__isnull=True, superseded_at__isnull=True),
                name="one_current_frozen_per_meeting_kind",
            ),
            models.UniqueConstraint(
                fields=["meeting", "kind", "subject_type", "subject_id"],
                condition=Q(subject_type__isnull=False, superseded_at__isnull=True),
                name="one_current_frozen_per_subject",
            ),
        ]

    def __str__(self):
        return _("%(title)s, version %(version)s") % {"title": self.title, "version": self.version}

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    def pdf_bytes(self) -> bytes:
        return bytes(RecordFile.objects.values_list("content", flat=True).get(pk=self.pdf_id))

    def docx_bytes(self) -> bytes | None:
        if self.docx_id is None:
            return None
        return bytes(RecordFile.objects.values_list("content", flat=True).get(pk=self.docx_id))


class AuditEntry(models.Model):
    """One change to a record of a meeting: who, what, when, before and after, and why. Written
    by the service that makes the change, inside its transaction (records.services.record_change);
    never changed or deleted."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="audit_entries")
    at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who, as shown: a user's name and email, a participant's name, or "system".
    actor_label = models.CharField(_("who"), max_length=250)
    action = models.CharField(_("what"), max_length=64)
    object_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    object_repr = models.CharField(_("record"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["meeting", "-at"], name="audit_meeting_at")]

    def __str__(self):
        return f"{self.action} by {self.actor_label}"


def records_storage():
    # Outside MEDIA_ROOT (settings.STORAGES["records"]): served only through the checked view.
    from django.core.files.storage import storages

    return storages["records"]


def bundle_path(bundle: "RecordBundle", _filename: str) -> str:
    import secrets

    return f"bundles/{bundle.meeting_id}/{secrets.token_urlsafe(16)}.zip"


class RecordBundle(BackgroundFile):
    """The SPJ bundle of a meeting (a ZIP), built by Celery for an organizer and kept for
    settings.RECORDS_BUNDLE_DAYS days. It holds personal data: only the meeting's organizers
    and staff download it, and each download is in the audit trail."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="record_bundles")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    file = models.FileField(upload_to=bundle_path, storage=records_storage, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    manifest = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("SPJ bundle")
        verbose_name_plural = _("SPJ bundles")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return _("SPJ bundle #%(number)s of %(meeting)s") % {
            "number": self.pk,
            "meeting": self.meeting,
        }
