"""A file made in the background for someone who asked for it (a big export, an SPJ bundle):
the states its row goes through, and the rules every such file follows.

The row is queued in the request that asks for it and handed to Celery after commit; a worker
claims it (one worker only), writes the file to a temporary file, stores it under a random name
and only then says it is ready; the file is deleted when it expires, the row staying, marked
expired. A beat task hands Celery again what it lost (a broker message that never arrived, a
worker that died) and expires what is due, in a few queries whatever the number of rows."""

from datetime import datetime, timedelta

from django.db import models
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A row left queued this long (a lost broker message), or building this long since a worker
# took it (a worker that died), is handed to Celery again by the sweeper.
QUEUED_GRACE = timedelta(minutes=2)
BUILDING_GRACE = timedelta(minutes=15)
# The most rows a sweep hands over again, and expires, in one run.
SWEEP_BATCH = 500


class BackgroundFile(models.Model):
    """The fields of a file made in the background; each kind adds its `file` field (its own
    storage and names) and what it needs besides."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        BUILDING = "building", _("Being built")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    requested_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    # When a worker last took it (the sweeper hands it to another one when this grows old).
    started_at = models.DateTimeField(null=True, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    error = models.TextField(blank=True)
    file: FieldFile  # each kind's own FileField

    class Meta:
        abstract = True

    @property
    def pending(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.BUILDING)

    @property
    def downloadable(self) -> bool:
        return (
            self.state == self.State.READY
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )


State = BackgroundFile.State


def claim(model: type[BackgroundFile], pk: int, **reset) -> bool:
    """Whether this worker may build the row: it was queued, or a worker took it so long ago
    that it must have died. The row says BUILDING from now on, with `reset` written too."""
    now = timezone.now()
    return bool(
        model._default_manager.filter(
            Q(state=State.QUEUED) | Q(state=State.BUILDING, started_at__lt=now - BUILDING_GRACE),
            pk=pk,
        ).update(state=State.BUILDING, started_at=now, **reset)
    )


def fail(model: type[BackgroundFile], pk: int, error: Exception) -> None:
    model._default_manager.filter(pk=pk).update(
        state=State.FAILED, error=f"{type(error).__name__}: {error}"[:500]
    )


def mark_ready(row: BackgroundFile, *, size: int, days: int, fields: list[str]) -> None:
    """The file is stored: the row says READY, expiring in `days`; `fields` are the other
    fields the caller set on the row."""
    row.state, row.size, row.built_at = State.READY, size, timezone.now()
    row.expires_at = row.built_at + timedelta(days=days)
    saved = ["state", "size", "built_at", "expires_at", "file", *fields]
    row.save(update_fields=saved)


def lost(model: type[BackgroundFile], now: datetime) -> list[int]:
    """The rows Celery lost: queued for too long, or building for too long."""
    return list(
        model._default_manager.filter(
            Q(state=State.QUEUED, requested_at__lt=now - QUEUED_GRACE)
            | Q(state=State.BUILDING, started_at__lt=now - BUILDING_GRACE)
        ).values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def expire(model: type[BackgroundFile], now: datetime) -> int:
    """Delete the files past their expiry; their rows stay, marked expired (one UPDATE)."""
    due = list(model._default_manager.filter(state=State.READY, expires_at__lte=now)[:SWEEP_BATCH])
    for row in due:
        if row.file:
            row.file.delete(save=False)
    expired = model._default_manager.filter(pk__in=[row.pk for row in due], state=State.READY)
    # Every kind declares `file`; the django-stubs plugin only sees the abstract model's fields.
    return expired.update(state=State.EXPIRED, file="")  # type: ignore[misc]
