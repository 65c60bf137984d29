"""The access log (UU 27/2022 Art. 31: the controller records every processing; Art. 47: and
can show it): one entry per view or export of personal data in bulk."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.http import client_ip
from events.models import Meeting
from members.models import Member

from ..models import AccessedPerson, AccessEntry

BATCH = 1000


def member_ids(people: QuerySet | Iterable[int]) -> list[int]:
    """The member ids `people` stands for: a queryset of members, of rows with a `member`
    (invitations, check-ins) or a `member_id` annotation (None on a row that names nobody,
    such as a scan audit's), or already ids. One query for a queryset, none otherwise."""
    if isinstance(people, QuerySet):
        field = "pk" if people.model is Member else "member_id"
        if people.query.is_sliced:  # a page of a table
            ids = {row[field] for row in people.values(field)}
        else:
            ids = set(people.order_by().values_list(field, flat=True))
        return sorted(ids - {None})
    return sorted(set(people))


@transaction.atomic
def record_access(
    *,
    request=None,
    what: str,
    people: QuerySet | Iterable[int],
    meeting: Meeting | None = None,
    meeting_id: int | None = None,
    label: str = "",
) -> AccessEntry:
    """Log that `request`'s user viewed or exported `what`, showing `people` (see member_ids),
    about `meeting` (or `meeting_id`) if any: who, when, from which client address, and which
    people, so that "who saw my data?" and the breach command find it. `label` names whoever
    is not signed in (a person opening their own data by link, a command). A fixed number of
    queries per thousand people."""
    ids = member_ids(people)
    user = request.user if request and request.user.is_authenticated else None
    entry = AccessEntry.objects.create(
        at=timezone.now(),
        user=user,
        user_label=(user.email if user else label)[:250],
        what=what,
        meeting_id=meeting.pk if meeting is not None else meeting_id,
        people=len(ids),
        client_address=(client_ip(request) or None) if request else None,
        path=request.get_full_path()[:500] if request else "",
    )
    AccessedPerson.objects.bulk_create(
        [AccessedPerson(entry=entry, member_id=pk) for pk in ids], batch_size=BATCH
    )
    return entry
