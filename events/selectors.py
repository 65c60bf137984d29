"""Reads for the organizer pages, each with a fixed number of queries whatever the data."""

from django.db.models import Count, IntegerField, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from members.models import User

from .models import AgendaItem, Invitation, Meeting, Session


def meetings_for_list(*, user: User) -> QuerySet[Meeting]:
    """The meetings a user organizes (staff: all), each with its host agency, its first session's
    start and how many are invited, in one query."""
    first_start = (
        Session.objects.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(first=Min("starts_at"))
        .values("first")
    )
    invited = (
        Invitation.objects.filter(meeting=OuterRef("pk"), withdrawn_at__isnull=True)
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    meetings = Meeting.objects.select_related("host_agency").annotate(
        first_start=Subquery(first_start),
        invited_count=Coalesce(Subquery(invited, output_field=IntegerField()), 0),
    )
    if not user.is_staff:
        meetings = meetings.filter(pk__in=user.organized_meetings.values("pk"))
    return meetings.order_by("-first_start", "-pk")


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


def answer_counts(*, invitations: QuerySet[Invitation]) -> list[tuple[str, str, int]]:
    """(answer, label, count) for every answer, zeros included, in the order of the choices."""
    counted = dict(
        invitations.order_by()
        .values_list("answer")
        .annotate(n=Count("pk"))
        .values_list("answer", "n")
    )
    return [(value, label, counted.get(value, 0)) for value, label in Invitation.Answer.choices]


def agency_counts(*, invitations: QuerySet[Invitation]) -> list[dict]:
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
