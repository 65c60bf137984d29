"""The kept counts of meetings (events.models.MeetingCounts), refreshed after every change to
who is invited: inviting (and renewing), a representative's own invitation, a walk-in's, a
withdrawal. Two queries whatever the number of meetings."""

from collections.abc import Iterable

from ..models import MeetingCounts
from ..selectors import invited_counts


def refresh_invited_counts(*, meeting_ids: Iterable[int]) -> None:
    """Count again how many are invited to each meeting of `meeting_ids` and keep it."""
    ids = sorted(set(meeting_ids))
    if not ids:
        return
    counted = invited_counts(meeting_ids=ids)
    MeetingCounts.objects.bulk_create(
        [MeetingCounts(meeting_id=pk, invited=counted.get(pk, 0)) for pk in ids],
        update_conflicts=True,
        unique_fields=["meeting"],
        update_fields=["invited"],
    )
