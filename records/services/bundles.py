"""SPJ bundles from the meeting page: asked for by an organizer, built by Celery with its
progress shown, downloaded by the meeting's organizers and staff only (each download in the
audit trail), deleted after settings.RECORDS_BUNDLE_DAYS days."""

import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from core import background
from events.models import Meeting

# The module, not its function: records.bundle imports this package (latest_frozen), so a
# process that imports records.bundle first (manage.py export_records) finds it half-loaded.
from .. import bundle as bundle_zip
from ..models import RecordBundle
from .audit import actor_label, record_change

log = logging.getLogger(__name__)

State = RecordBundle.State
# Progress is written at most this often (each write is a small transaction of its own).
PROGRESS_STEP = 10


def _hand_over(bundle_id: int) -> None:
    from ..tasks import build_bundle

    build_bundle.delay(bundle_id)


@transaction.atomic
def request_bundle(*, meeting: Meeting, user) -> RecordBundle:
    """A new bundle of `meeting`, queued for Celery; or the one already being built. Its task
    is handed over after commit, and the sweeper hands it over again if the broker lost it."""
    Meeting.objects.select_for_update(no_key=True).filter(pk=meeting.pk).first()
    pending = meeting.record_bundles.filter(state__in=[State.QUEUED, State.BUILDING]).first()
    if pending is not None:
        return pending
    bundle = RecordBundle.objects.create(meeting=meeting, requested_by=user)
    record_change(
        actor=user,
        meeting=meeting,
        obj=bundle,
        action="bundle.requested",
        before=None,
        after={"bundle": bundle.pk},
    )
    transaction.on_commit(lambda: _hand_over(bundle.pk), robust=True)
    return bundle


def build_bundle(*, bundle_id: int) -> RecordBundle | None:
    """Build the bundle's ZIP, unless it is built already or another worker is on it. The ZIP
    is written to a temporary file, then stored under a random name; the row says READY only
    once the file is complete."""
    claimed = background.claim(RecordBundle, bundle_id, progress=0)
    if claimed is None:
        return None
    bundle = RecordBundle.objects.select_related("meeting__host_agency", "requested_by").get(
        pk=bundle_id
    )
    shown = {"percent": 0}

    def progress(percent: int) -> None:
        if percent - shown["percent"] >= PROGRESS_STEP:
            shown["percent"] = percent
            RecordBundle.objects.filter(pk=bundle_id).update(progress=min(percent, 99))

    try:
        with tempfile.TemporaryFile() as scratch:
            manifest = bundle_zip.write_bundle(
                meeting=bundle.meeting,
                output=scratch,
                built_by=actor_label(bundle.requested_by),
                progress=progress,
            )
            size = scratch.tell()
            scratch.seek(0)
            bundle.file.save(f"spj-{bundle.meeting_id}.zip", File(scratch), save=False)
        bundle.progress, bundle.manifest = 100, manifest
        background.mark_ready(
            bundle,
            claimed=claimed,
            size=size,
            days=settings.RECORDS_BUNDLE_DAYS,
            fields=["progress", "manifest"],
        )
    except Exception as error:
        log.exception("The SPJ bundle %s could not be built", bundle_id)
        background.give_up(bundle, claimed, error)
        raise
    return bundle


def record_download(*, bundle: RecordBundle, user) -> None:
    """A bundle holds personal data: who downloaded it, and when, is in the audit trail."""
    record_change(
        actor=user,
        meeting=bundle.meeting,
        obj=bundle,
        action="bundle.downloaded",
        before=None,
        after={"bundle": bundle.pk, "size": bundle.size},
    )


def sweep_bundles() -> dict:
    """From beat: hand Celery again the bundles it lost, and delete the files of bundles past
    their expiry (the row stays, marked expired, for the trail), and fail those not built
    within GIVE_UP_AFTER."""
    now = timezone.now()
    background.abandon(RecordBundle, now)
    lost = background.lost(RecordBundle, now)
    for bundle_id in lost:
        _hand_over(bundle_id)
    return {"handed_over": len(lost), "expired": background.expire(RecordBundle, now)}
