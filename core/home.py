"""The reads of the home page after sign-in, each a fixed number of queries whatever the data.

An organizer sees their upcoming and recent meetings with how many are invited, have answered
and were present, and what needs doing: answers still due, minutes to write, follow-up actions
overdue. A member with an account sees their own meetings and can open their answer page.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.db.models import Count, IntegerField, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from attendance.models import CheckIn
from events.models import Invitation, Meeting
from events.selectors import of_sessions
from members.models import Member, User
from outputs.models import Action, Minutes


class MeetingFigures(TypedDict):
    first_start: datetime | None
    last_end: datetime | None
    invited: int
    answered: int
    pending: int
    present: int


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # A meeting of _meetings(), with its figures.
    HomeMeeting: TypeAlias = WithAnnotations[Meeting, MeetingFigures]

SHOWN = 5  # meetings per list
OPEN_ACTIONS = (Action.Status.OPEN, Action.Status.IN_PROGRESS)
MINUTES_TO_WRITE = Q(minutes__isnull=True) | Q(minutes__state=Minutes.State.DRAFT)


def _count(rows: QuerySet, *, by: str = "meeting", of: str = "pk", distinct=False) -> Coalesce:
    counted = rows.order_by().values(by).annotate(n=Count(of, distinct=distinct)).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _meetings(user: User) -> "QuerySet[HomeMeeting]":
    """The meetings a user organizes (staff too: their own), with their first start, last end,
    and how many are invited, have answered, and were present at any session."""
    current = Invitation.objects.filter(meeting=OuterRef("pk"), withdrawn_at__isnull=True)
    present = CheckIn.objects.filter(session__meeting=OuterRef("pk"))
    return (
        Meeting.objects.filter(organizers=user)
        .exclude(state=Meeting.State.CANCELLED)
        .annotate(
            first_start=of_sessions(Min("starts_at")),
            last_end=of_sessions(Max("ends_at")),
            invited=_count(current),
            answered=_count(current.exclude(answer=Invitation.Answer.PENDING)),
            pending=_count(current.filter(answer=Invitation.Answer.PENDING)),
            present=_count(present, by="session__meeting", of="invitation", distinct=True),
        )
    )


@dataclass
class OrganizerHome:
    upcoming: "list[HomeMeeting]" = field(default_factory=list)
    recent: "list[HomeMeeting]" = field(default_factory=list)
    minutes_to_write: list[Meeting] = field(default_factory=list)
    actions_overdue: int = 0

    @property
    def answers_due(self) -> "list[HomeMeeting]":
        """Upcoming published meetings some invitees have not answered yet."""
        return [m for m in self.upcoming if m.state == Meeting.State.PUBLISHED and m.pending]


def organizer_home(*, user: User, now: datetime, today: date) -> OrganizerHome:
    """Four queries: upcoming meetings (not yet over, soonest first), recent ones (over,
    latest first), meetings over whose minutes are still to write, overdue actions."""
    meetings = _meetings(user)
    return OrganizerHome(
        upcoming=list(
            meetings.filter(Q(last_end__gte=now) | Q(last_end__isnull=True)).order_by(
                "first_start", "pk"
            )[:SHOWN]
        ),
        recent=list(meetings.filter(last_end__lt=now).order_by("-last_end", "-pk")[:SHOWN]),
        minutes_to_write=list(
            Meeting.objects.filter(organizers=user, sessions__ends_at__lt=now)
            .exclude(state=Meeting.State.CANCELLED)
            .filter(MINUTES_TO_WRITE)
            .annotate(last_end=Max("sessions__ends_at"))
            .filter(last_end__lt=now)
            .order_by("-last_end", "-pk")[:SHOWN]
        ),
        actions_overdue=Action.objects.filter(
            meeting__organizers=user, status__in=OPEN_ACTIONS, due_date__lt=today
        ).count(),
    )


def member_meetings(*, user: User, now: datetime) -> list[Invitation]:
    """The invitations of the member behind this account to meetings not over yet, soonest
    first; one query (an account without a member has none)."""
    return list(
        Invitation.objects.filter(
            member__in=Member.objects.filter(user=user),
            withdrawn_at__isnull=True,
            meeting__state=Meeting.State.PUBLISHED,
        )
        .select_related("meeting__host_agency")
        .annotate(
            first_start=of_sessions(Min("starts_at"), meeting="meeting"),
            last_end=of_sessions(Max("ends_at"), meeting="meeting"),
        )
        .filter(Q(last_end__gte=now) | Q(last_end__isnull=True))
        .order_by("first_start", "pk")[:10]
    )
