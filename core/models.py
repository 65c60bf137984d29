"""Background exports: a spreadsheet built by Celery for the person who asked for it.

An export of a big table (60,000 members) is too long to build inside a request and too big to
hold in memory, so the XLSX is written row by row (openpyxl's write-only mode) to a file, and
the page that asked shows its progress and then a download link. The file holds personal data:
only the requester, the meeting's organizers (when it is a meeting's table) and staff download
it, every download is logged, and it is deleted after settings.EXPORT_DAYS days.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .background import BackgroundFile


def exports_storage():
    from django.core.files.storage import storages

    return storages["exports"]


def export_path(_job: "ExportJob", filename: str) -> str:
    import secrets

    return f"exports/{secrets.token_urlsafe(16)}/{filename}"


class ExportJob(BackgroundFile):
    # The dotted path of the function that rebuilds the table (core.exports.ExportTable) or the
    # document from the query; set by code, never from the request.
    builder = models.CharField(max_length=200)
    query = models.TextField(blank=True)  # the table page's query string (filters, sort)
    file_format = models.CharField(max_length=8, default="xlsx")
    meeting_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    back_url = models.CharField(max_length=2000, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to=export_path, storage=exports_storage, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    # Whom the file holds, as it was built: each download is logged with these people
    # (personal_data.Access kind `access`, member ids), not with whom the table holds by then.
    access = models.CharField(max_length=40, blank=True)
    people = models.JSONField(default=list, blank=True)
    # The requester's privacy.scope.scope_key when they asked: a file with no meeting is theirs
    # to download while their scope is the same (what the page shows them may have shrunk).
    scope = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"export #{self.pk} ({self.builder})"

    @property
    def percent(self) -> int:
        if self.state == self.State.READY:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)
