"""The threshold of online attendance: the minutes in a session's video meeting that make
someone present online (SheetSettings.online_threshold_minutes; half the session when not
set). Imports made before a change keep whom they made present (online_import.py)."""

from __future__ import annotations

from django.db import transaction

from events.models import Meeting, Session

from ..models import SheetSettings


def threshold_minutes(session: Session, settings: SheetSettings | None) -> int:
    """The minutes online that make someone present at `session`: the meeting's setting, else
    half the session."""
    if settings is not None and settings.online_threshold_minutes:
        return settings.online_threshold_minutes
    return max(1, int((session.ends_at - session.starts_at).total_seconds() // 120))


@transaction.atomic
def save_online_threshold(*, meeting: Meeting, minutes: int | None, by) -> SheetSettings:
    """Set (or clear, with None) the meeting's threshold; audited. Imports made before keep
    whom they made present; the next import of a session applies the new threshold."""
    from records.services import record_change

    settings, _created = SheetSettings.objects.select_for_update().get_or_create(meeting=meeting)
    before = settings.online_threshold_minutes
    if before != minutes:
        settings.online_threshold_minutes = minutes
        settings.save(update_fields=["online_threshold_minutes"])
        record_change(
            actor=by,
            meeting=meeting,
            obj=settings,
            action="online.threshold_changed",
            before={"online_threshold_minutes": before},
            after={"online_threshold_minutes": minutes},
        )
    return settings
