"""Reads for the organizer pages, each with a fixed number of queries whatever the data."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias, TypedDict, cast

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower

from members.models import Member, User
from outbox.models import Kind as OutboxKind
from outbox.models import OutboxMessage
from outbox.models import State as OutboxState

from .models import (
    AgendaItem,
    CalendarReply,
    Invitation,
    Meeting,
    Representation,
    SeatOffer,
    Session,
)


class InvitedCount(TypedDict):
    invited_count: int


class AgencyCount(TypedDict):
    member__agency__name: str
    member__agency__acronym: str
    invited: int
    attending: int
    pending: int


if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations

    # A meeting of a page after set_invited_counts().
    CountedMeeting: TypeAlias = WithAnnotations[Meeting, InvitedCount]


def of_sessions(aggregate, *, meeting: str = "pk") -> Subquery:
    """An aggregate of a meeting's sessions (its first start, its last end) as a subquery of a
    query whose `meeting` field (the meeting's pk by default) names the meeting."""
    return Subquery(
        Session.objects.filter(meeting=OuterRef(meeting))
        .order_by()
        .values("meeting")
        .annotate(value=aggregate)
        .values("value")
    )


def meetings_for_list(*, user: User) -> QuerySet[Meeting]:
    """The meetings a user organizes (staff: all), each with its host agency, its first
    session's start and the kept count of those invited (`kept_invited`, events.models.
    MeetingCounts, to sort by), in one query. The count a page shows is counted anew for its
    rows by set_invited_counts: no count runs for every meeting before the limit."""
    meetings = Meeting.objects.select_related("host_agency").annotate(
        first_start=of_sessions(Min("starts_at")),
        kept_invited=Coalesce(F("counts__invited"), 0),
    )
    if not user.is_staff:
        meetings = meetings.filter(pk__in=user.organized_meetings.values("pk"))
    return meetings.order_by("-first_start", "-pk")


def invited_counts(*, meeting_ids: list[int]) -> dict[int, int]:
    """How many are invited (not withdrawn) to each of the meetings, those with any: one
    query."""
    return dict(
        Invitation.objects.filter(meeting_id__in=meeting_ids, withdrawn_at__isnull=True)
        .order_by()
        .values_list("meeting")
        .annotate(n=Count("pk"))
        .values_list("meeting", "n")
    )


def set_invited_counts(meetings: list[Meeting]) -> None:
    """Set `invited_count` on each of a page's meetings: one query."""
    if not meetings:
        return
    counted = invited_counts(meeting_ids=[meeting.pk for meeting in meetings])
    for meeting in cast("list[CountedMeeting]", meetings):
        meeting.invited_count = counted.get(meeting.pk, 0)


def meeting_for_page(*, pk: int) -> Meeting:
    """A meeting with its sessions, agenda, organizers, chair and minute-taker loaded."""
    return (
        Meeting.objects.select_related("host_agency", "chair__agency", "minute_taker__agency")
        .prefetch_related(
            "sessions",
            Prefetch("agenda_items", queryset=_agenda()),
            "organizers",
        )
        .get(pk=pk)
    )


def _agenda():
    return AgendaItem.objects.select_related("session").order_by("starts_at", "position", "pk")


def invitations_for_table(*, meeting: Meeting) -> QuerySet[Invitation]:
    """The meeting's current (not withdrawn) invitations with member and agency in one query."""
    return (
        meeting.invitations.filter(withdrawn_at__isnull=True)
        .select_related("member__agency")
        .order_by("member__full_name", "pk")
    )


def with_representations(invitations: QuerySet[Invitation]) -> QuerySet[Invitation]:
    """The invitations with who represents each (`represented_by`), whom each stands in for
    now (`stands_in_for`, a name) and how many representatives each named (`representatives
    _named`), in the same one query."""
    standing_in = Representation.objects.filter(
        representative=OuterRef("pk"), ended_at__isnull=True
    ).order_by("named_at", "pk")
    named = (
        Representation.objects.filter(invitation=OuterRef("pk"))
        .order_by()
        .values("invitation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return invitations.select_related("represented_by__member").annotate(
        stands_in_for=Subquery(standing_in.values("invitation__member__full_name")[:1]),
        representatives_named=Coalesce(Subquery(named, output_field=IntegerField()), 0),
    )


def representations_for_meeting(*, meeting: Meeting) -> QuerySet[Representation]:
    """Every representative named for the meeting, replaced ones too, in the order named, with
    both people and their agencies: one query."""
    return (
        Representation.objects.filter(invitation__meeting=meeting)
        .select_related(
            "invitation__member__agency", "representative__member__agency", "granted_by"
        )
        .order_by("named_at", "pk")
    )


def answer_counts(*, invitations: QuerySet[Invitation]) -> "list[tuple[str, StrOrPromise, int]]":
    """(answer, label, count) for every answer, zeros included, in the order of the choices."""
    counted = dict(
        invitations.order_by()
        .values_list("answer")
        .annotate(n=Count("pk"))
        .values_list("answer", "n")
    )
    return [(value, label, counted.get(value, 0)) for value, label in Invitation.Answer.choices]


def agency_counts(*, invitations: QuerySet[Invitation]) -> list[AgencyCount]:
    """Per agency: how many are invited and how many will attend, most invited first."""
    return list(
        invitations.order_by()
        .values("member__agency__name", "member__agency__acronym")
        .annotate(
            invited=Count("pk"),
            attending=Count("pk", filter=Q(answer=Invitation.Answer.YES)),
            pending=Count("pk", filter=Q(answer=Invitation.Answer.PENDING)),
        )
        .order_by("-invited", "member__agency__name")
    )


# --- Inviting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class InviteeSelection:
    """The members an organizer's choices resolve to, each once.

    `members` are the distinct members chosen through any of the three ways; `unknown_emails`
    the pasted addresses that match no member (lower case, in the order pasted);
    `already_invited` the pks of those who hold a current invitation to the meeting (empty
    without a meeting). The counts per way overlap: one person can be in all three.
    """

    members: Sequence[Member]
    unknown_emails: list[str] = field(default_factory=list)
    already_invited: frozenset[int] = frozenset()
    from_agencies: int = 0
    from_members: int = 0
    from_emails: int = 0

    @property
    def to_invite(self) -> list[Member]:
        return [member for member in self.members if member.pk not in self.already_invited]

    @property
    def receiving(self) -> int:
        """How many will receive the invitation: the members not yet invited and the unknown
        addresses (they become members when the organizer sends)."""
        return len(self.to_invite) + len(self.unknown_emails)


def members_to_invite(
    *,
    agency_ids: Iterable[int],
    member_ids: Iterable[int],
    emails: Iterable[str],
    meeting: Meeting | None = None,
) -> InviteeSelection:
    """Resolve the choices of the inviting page, in one query whatever their number: every
    member of each agency (not of its units), the members chosen by pk, and the members whose
    email matches a pasted address in any case. With a meeting, also who is already invited
    (a withdrawn invitation does not count: inviting renews it)."""
    agency_ids = {int(pk) for pk in agency_ids}
    member_ids = {int(pk) for pk in member_ids}
    emails = list(dict.fromkeys(address.strip().lower() for address in emails if address.strip()))
    if not (agency_ids or member_ids or emails):
        return InviteeSelection(members=[], unknown_emails=[])
    members = Member.objects.select_related("agency").annotate(email_lower=Lower("email"))
    if meeting is not None:
        members = members.annotate(
            invited=Exists(
                Invitation.objects.filter(
                    meeting=meeting, member=OuterRef("pk"), withdrawn_at__isnull=True
                )
            )
        )
    found = list(
        members.filter(
            Q(agency_id__in=agency_ids) | Q(pk__in=member_ids) | Q(email_lower__in=emails)
        ).order_by("full_name", "pk")
    )
    known = {member.email_lower for member in found}
    return InviteeSelection(
        members=found,
        unknown_emails=[address for address in emails if address not in known],
        already_invited=frozenset(m.pk for m in found if getattr(m, "invited", False)),
        from_agencies=sum(1 for m in found if m.agency_id in agency_ids),
        from_members=sum(1 for m in found if m.pk in member_ids),
        from_emails=sum(1 for m in found if m.email_lower in emails),
    )


def delivery_counts(*, meeting: Meeting) -> dict[str, int]:
    """How many of the meeting's emails (outbox topic "meeting:<pk>") are in each state, every
    state present, in one query."""
    counts = dict(
        OutboxMessage.objects.filter(topic=f"meeting:{meeting.pk}")
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    return {state: counts.get(state, 0) for state in OutboxState.values}


# --- Delivery state per invitation --------------------------------------------------------------


def with_delivery_state(*, invitations: QuerySet[Invitation], meeting: Meeting) -> QuerySet:
    """Annotate `delivery`: the state of the latest invitation email to each member about this
    meeting (outbox kind invitation, topic "meeting:<pk>"), None before any. One subquery in the
    same query, so the table's query count does not grow with its rows."""
    latest = (
        OutboxMessage.objects.filter(
            topic=f"meeting:{meeting.pk}",
            kind=OutboxKind.INVITATION,
            recipient=OuterRef("member__email"),
        )
        .order_by("-created_at", "-pk")
        .values("state")[:1]
    )
    return invitations.annotate(delivery=Subquery(latest))


# --- The waiting list -------------------------------------------------------------------------


def waiting_list(*, meeting: Meeting) -> list[Invitation]:
    """The meeting's waiting list in its order (earliest answer first), then those who took a
    seat offered to them; each with its latest seat offer's `offer_state`, `offer_offered_at`
    and `offer_expires_at` (None before any offer). One query."""
    latest = SeatOffer.objects.filter(invitation=OuterRef("pk")).order_by("-offered_at", "-pk")
    return list(
        meeting.invitations.filter(
            Q(answer=Invitation.Answer.WAITLISTED, withdrawn_at__isnull=True)
            | Q(seat_offers__state=SeatOffer.State.TAKEN)
        )
        .select_related("member__agency")
        .annotate(
            offer_state=Subquery(latest.values("state")[:1]),
            offer_offered_at=Subquery(latest.values("offered_at")[:1]),
            offer_expires_at=Subquery(latest.values("expires_at")[:1]),
            still_waiting=Case(
                When(answer=Invitation.Answer.WAITLISTED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .distinct()
        .order_by("still_waiting", "waitlisted_at", "pk")
    )


def calendar_replies_to_check(*, meeting: Meeting, limit: int = 20) -> list[CalendarReply]:
    """The calendar replies of the meeting's invitees that changed no answer and that an
    organizer should read: those about one session only, and those ignored because someone
    other than the invitee sent them. Newest first; one query."""
    return list(
        CalendarReply.objects.filter(
            invitation__meeting=meeting,
            outcome__in=(CalendarReply.Outcome.NOTED, CalendarReply.Outcome.IGNORED),
        )
        .select_related("invitation__member", "session")
        .order_by("-received_at", "-pk")[:limit]
    )
