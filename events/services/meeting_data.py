"""What the meeting services take: the meeting's fields, its sessions and its agenda, as the
meeting form (events/forms.py) cleans them and the demo and tests write them."""

from datetime import datetime
from typing import NotRequired, TypedDict

from members.models import Agency, Member


class MeetingData(TypedDict, total=False):
    """The meeting's own fields (services.meetings.MEETING_FIELDS); a field left out of an edit
    keeps its value."""

    title: str
    description: str
    host_agency: Agency | None
    letter_number: str
    mode: str
    venue: str
    address: str
    online_url: str
    time_zone: str
    capacity: int | None
    answer_deadline: datetime | None
    chair: Member | None
    minute_taker: Member | None
    registration_open: bool
    registration_scope: str
    registration_domains: str
    registration_closes_at: datetime | None
    registration_requires_approval: bool
    reminder_offsets: list[int]


class SessionData(TypedDict):
    """A session: aware start and end; `pk` for one that exists already."""

    title: str
    starts_at: datetime
    ends_at: datetime
    pk: NotRequired[int | None]


class AgendaItemData(TypedDict):
    """An agenda item; `session` is the index of its session in the sessions given with it."""

    title: str
    speaker: NotRequired[str]
    moderator: NotRequired[str]
    starts_at: NotRequired[datetime | None]
    session: NotRequired[int | None]
    pk: NotRequired[int | None]
