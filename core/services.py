"""Background exports (core.models.ExportJob): asked for from a table's page, built by Celery
row by row with its progress kept on the row, downloaded by whoever may, deleted when they
expire."""

import logging
import tempfile

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.module_loading import import_string

from events.models import Meeting
from personal_data.services import member_ids
from privacy.scope import scope_key

from . import background
from .exports import (
    Export,
    ExportDocument,
    ExportFormat,
    csv_chunks,
    may_export,
    table_rows,
    write_xlsx,
)
from .models import ExportJob
from .tasks import task_named

log = logging.getLogger(__name__)

State = ExportJob.State


def _hand_over(job_id: int) -> None:
    task_named("core.tasks.build_export").delay(job_id)


def build_table(job: ExportJob) -> Export:
    """The job's table (or document), rebuilt from its builder and query as its page built it."""
    builder = import_string(job.builder)
    return builder(user=job.requested_by, meeting_id=job.meeting_id, query=QueryDict(job.query))


@transaction.atomic
def request_export(
    *,
    user,
    builder: str,
    query: str,
    title: str,
    file_format: str = "xlsx",
    meeting_id: int | None = None,
    back_url: str = "",
) -> ExportJob:
    """A new export (an XLSX, or a big table's CSV) queued for Celery; its task is handed over
    after commit (and again by the sweeper if the broker lost it). The same export already
    waiting for the same person is returned instead of a second one."""
    # Two POSTs at once (a double tap) wait for each other here, so they find one job.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    scope = scope_key(user) if meeting_id is None else ""
    pending = ExportJob.objects.filter(
        requested_by=user,
        builder=builder,
        query=query,
        file_format=file_format,
        meeting_id=meeting_id,
        scope=scope,
        state__in=[State.QUEUED, State.BUILDING],
    ).first()
    if pending is not None:
        return pending
    job = ExportJob.objects.create(
        requested_by=user,
        builder=builder,
        query=query,
        file_format=file_format,
        meeting_id=meeting_id,
        title=title[:300],
        back_url=back_url[:2000],
        scope=scope,
    )
    transaction.on_commit(lambda: _hand_over(job.pk), robust=True)
    return job


def build_export(*, job_id: int) -> ExportJob | None:
    """Write the job's file (XLSX, CSV, or a document's PDF) to a temporary file, then store it
    under a random name; the row says READY only once the file is complete. A job built
    already, or that another worker is on, is left alone."""
    claimed = background.claim(ExportJob, job_id, rows_done=0)
    if claimed is None:
        return None
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        if job.meeting_id is None:  # the scope the file is built with, not the one asked with
            job.scope = scope_key(job.requested_by)
        export = build_table(job)
        records = export.records
        total = records.count() if hasattr(records, "count") else len(records)
        ExportJob.objects.filter(pk=job_id).update(rows_total=total)

        def progress(done: int) -> None:
            ExportJob.objects.filter(pk=job_id).update(rows_done=done)

        with tempfile.TemporaryFile() as scratch:
            if isinstance(export, ExportDocument):
                scratch.write(export.render())
            elif job.file_format == ExportFormat.CSV:
                for chunk in csv_chunks(table_rows(export, progress=progress)):
                    scratch.write(chunk)
            else:
                write_xlsx(table_rows(export, progress=progress), scratch, title=export.title)
            size = scratch.tell()
            scratch.seek(0)
            filename = f"{export.filename}.{job.file_format}"
            job.file.save(filename, File(scratch), save=False)
        job.rows_done, job.rows_total, job.filename = total, total, filename
        job.access, job.people = export.access, member_ids(records) if export.access else []
        background.mark_ready(
            job,
            claimed=claimed,
            size=size,
            days=settings.EXPORT_DAYS,
            fields=["rows_done", "rows_total", "filename", "access", "people", "scope"],
        )
    except Exception as error:
        log.exception("The export %s could not be built", job_id)
        background.give_up(job, claimed, error)
        raise
    return job


def may_download(*, job: ExportJob, user) -> bool:
    """Whoever may still take the file from the page it came from (its builder's gate,
    core.exports.gated), asked again at each download: for a meeting's table or document,
    whoever organizes the meeting now (a former organizer who asked for it no longer); for any
    other, the requester while the page still lets them in (an organizer taken out of the
    group no longer) and shows them what the file holds (their privacy.scope.scope_key is
    the same: an organizer taken off a meeting no longer downloads its invitees' NIP or its
    actions), and staff."""
    if not user.is_authenticated:
        return False
    if job.meeting_id is None:
        if not may_export(builder=job.builder, user=user):
            return False
        return user.is_staff or (job.requested_by_id == user.pk and job.scope == scope_key(user))
    meeting = Meeting.objects.filter(pk=job.meeting_id).first()
    return meeting is not None and may_export(builder=job.builder, user=user, meeting=meeting)


def record_download(*, job: ExportJob, user) -> None:
    """An export holds personal data: who downloaded which, and when, goes to the log."""
    log.info(
        "Export %s (%s, %s bytes) downloaded by user %s",
        job.pk,
        job.builder,
        job.size,
        user.pk,
    )


def sweep_exports() -> dict:
    """From beat: hand Celery again the jobs it lost, and delete the files of jobs past their
    expiry (the row stays, marked expired), and fail those not built within GIVE_UP_AFTER.
    Three queries when nothing is due."""
    now = timezone.now()
    background.abandon(ExportJob, now)
    lost = background.lost(ExportJob, now)
    for job_id in lost:
        _hand_over(job_id)
    return {"handed_over": len(lost), "expired": background.expire(ExportJob, now)}
