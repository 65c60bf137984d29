"""A file made in the background for someone who asked for it (a big export, an SPJ bundle):
the states its row goes through, and the rules every such file follows.

The row is queued in the request that asks for it and handed to Celery after commit; a worker
claims it (one worker only), writes the file to a temporary file, stores it under a random name
and only then says it is ready, if the row is still its claim (a worker the sweeper took for
dead and replaced deletes the file it made late); the file is deleted when it expires, the row
staying, marked expired. A build that lost its database connection goes back to the queue for
Celery's retry; any other error fails it. A beat task hands Celery again what it lost (a broker
message that never arrived, a worker that died) and expires what is due, in a few queries
whatever the number of rows."""

from contextlib import suppress
from datetime import datetime, timedelta

from django.db import close_old_connections, models
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .db import DATABASE_UNREACHABLE

# A row left queued this long (a lost broker message), or building this long since a worker
# took it (a worker that died), is handed to Celery again by the sweeper.
QUEUED_GRACE = timedelta(minutes=2)
BUILDING_GRACE = timedelta(minutes=15)
# A file not built this long after it was asked for is failed for good by the sweeper: its
# build keeps meeting the same error (a statement timeout, a full disk), or keeps being lost.
GIVE_UP_AFTER = timedelta(hours=1)
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


def claim(model: type[BackgroundFile], pk: int, **reset) -> datetime | None:
    """Whether this worker may build the row: it was queued, or a worker took it so long ago
    that it must have died. The row says BUILDING from now on, with `reset` written too.
    Returns the time of the claim, which the worker shows to give_up and mark_ready (they do
    nothing to a row another worker has claimed since), or None."""
    now = timezone.now()
    taken = model._default_manager.filter(
        Q(state=State.QUEUED) | Q(state=State.BUILDING, started_at__lt=now - BUILDING_GRACE),
        pk=pk,
    ).update(state=State.BUILDING, started_at=now, **reset)
    return now if taken else None


def give_up(row: BackgroundFile, claimed: datetime, error: Exception) -> None:
    """The build of `row` claimed at `claimed` met `error`; a file it stored already goes. A
    lost database connection puts the row back in the queue, for Celery's retry (or, when the
    database is still away, the sweeper) to build; any other error fails it for good, with the
    error. A build that keeps meeting the database's errors is failed by the sweeper once
    GIVE_UP_AFTER has passed (abandon)."""
    if row.file:
        with suppress(OSError):
            row.file.delete(save=False)
    if isinstance(error, DATABASE_UNREACHABLE):
        close_old_connections()  # the broken connection goes; the next query opens another
        change: dict[str, str] = {"state": State.QUEUED}
    else:
        change = {"state": State.FAILED, "error": f"{type(error).__name__}: {error}"[:500]}
    with suppress(*DATABASE_UNREACHABLE):  # still unreachable: the sweeper's to hand over
        _still_claimed(type(row), row.pk, claimed).update(**change)


def mark_ready(
    row: BackgroundFile, *, claimed: datetime, size: int, days: int, fields: list[str]
) -> bool:
    """The file is stored: the row says READY, expiring in `days`; `fields` are the other
    fields the caller set on the row. When another worker has claimed the row since (this one
    was taken for dead), its file is the one kept: this one's is deleted, and False returned."""
    row.state, row.size, row.built_at = State.READY, size, timezone.now()
    row.expires_at = row.built_at + timedelta(days=days)
    saved = ["state", "size", "built_at", "expires_at", *fields]
    ready = _still_claimed(type(row), row.pk, claimed).update(
        file=row.file.name, **{name: getattr(row, name) for name in saved}
    )
    if not ready:
        row.file.delete(save=False)
    return bool(ready)


def _still_claimed(model: type[BackgroundFile], pk: int, claimed: datetime):
    return model._default_manager.filter(pk=pk, state=State.BUILDING, started_at=claimed)


def abandon(model: type[BackgroundFile], now: datetime) -> int:
    """Fail the rows still not built GIVE_UP_AFTER after they were asked for (one UPDATE)."""
    return model._default_manager.filter(
        state__in=[State.QUEUED, State.BUILDING], requested_at__lt=now - GIVE_UP_AFTER
    ).update(state=State.FAILED, error="Not built within an hour: given up.")


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
    return expire_rows(model._default_manager.filter(expires_at__lte=now))


def expire_rows(rows: models.QuerySet) -> int:
    """Delete the files of the ready rows among `rows`, SWEEP_BATCH at most (call it again
    while it returns some); their rows stay, marked expired (one UPDATE). What the sweepers do
    to a file past its expiry, and an upgrade to a file that must go before (a data migration
    passes its historical model's rows)."""
    due = list(rows.filter(state=State.READY)[:SWEEP_BATCH])
    for row in due:
        if row.file:
            row.file.delete(save=False)
    expired = rows.model._default_manager.filter(pk__in=[row.pk for row in due], state=State.READY)
    return expired.update(state=State.EXPIRED, file="")
