"""Keyset (cursor) pagination for big tables, newest first: a page is the rows after (older
than) or before (newer than) a row's (moment, pk), read through an index in the order of the
page, never by OFFSET (which reads and throws away every row before the page) and without a
count of the whole table."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q, QuerySet

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
OLDEST = "oldest"


def cursor_of(moment: datetime, pk: int) -> str:
    """A row's place as text for a URL: microseconds since the epoch and the pk."""
    delta = moment - EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{micros}_{pk}"


def _parse(cursor: str) -> tuple[datetime, int] | None:
    try:
        micros, pk = cursor.split("_")
        return EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except (ValueError, OverflowError):
        return None


@dataclass
class KeysetPage:
    rows: list
    newer: str | None  # the cursor of the page before this one (newer rows), if any
    older: str | None  # the cursor of the page after this one (older rows), if any
    first: bool  # the newest page


def keyset_page(
    rows: QuerySet, *, field: str, after: str = "", before: str = "", per_page: int
) -> KeysetPage:
    """The page of `rows`, newest first by (`field`, pk): the newest page, the page older than
    `after`, the page newer than `before`, or the oldest page (after="oldest"). One query; a
    cursor that does not parse gives the newest page."""
    newest_first = (f"-{field}", "-pk")
    oldest_first = (field, "pk")
    place = _parse(before) if before else None
    if place is not None:
        moment, pk = place
        found = list(
            rows.filter(
                Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "pk__gt": pk})
            ).order_by(*oldest_first)[: per_page + 1]
        )
        more_newer = len(found) > per_page
        page = found[:per_page][::-1]
        return _page(page, field, newer=more_newer, older=True)
    if after == OLDEST:
        found = list(rows.order_by(*oldest_first)[: per_page + 1])
        more_newer = len(found) > per_page
        return _page(found[:per_page][::-1], field, newer=more_newer, older=False)
    place = _parse(after) if after else None
    if place is not None:
        moment, pk = place
        rows = rows.filter(Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "pk__lt": pk}))
    found = list(rows.order_by(*newest_first)[: per_page + 1])
    return _page(found[:per_page], field, newer=place is not None, older=len(found) > per_page)


def _page(rows: list, field: str, *, newer: bool, older: bool) -> KeysetPage:
    if not rows:
        return KeysetPage(rows=[], newer=None, older=None, first=not newer)
    return KeysetPage(
        rows=rows,
        newer=cursor_of(getattr(rows[0], field), rows[0].pk) if newer else None,
        older=cursor_of(getattr(rows[-1], field), rows[-1].pk) if older else None,
        first=not newer,
    )
