"""Reads for the outputs pages, each with a fixed number of queries whatever the data."""

from datetime import date
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.db.models import (
    BooleanField,
    Case,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone

from events.models import Invitation, Meeting
from members.models import User
from members.selectors import top_agencies

from .markdown import render_markdown
from .models import Action, ActionProgress, Document, Minutes, MinutesRevision

# --- Follow-up actions ------------------------------------------------------------------------

OPEN_STATUSES = (Action.Status.OPEN, Action.Status.IN_PROGRESS)


class Overdue(TypedDict):
    overdue: bool


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # An action of _with_overdue().
    TrackedAction: TypeAlias = WithAnnotations[Action, Overdue]


def _with_overdue(actions: QuerySet[Action], today: date) -> "QuerySet[TrackedAction]":
    return actions.annotate(
        overdue=Case(
            When(Q(status__in=OPEN_STATUSES, due_date__lt=today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def actions_for_meeting(*, meeting: Meeting, today: date | None = None) -> QuerySet[Action]:
    """A meeting's actions with who is responsible, their progress notes and the agenda item
    they were carried into, overdue first, then by due date."""
    today = today or timezone.localdate()
    return (
        _with_overdue(meeting.actions.all(), today)
        .select_related(
            "responsible_agency",
            "responsible_member__agency",
            "decision",
            "carried_to__meeting",
        )
        .prefetch_related(
            Prefetch("progress", queryset=ActionProgress.objects.order_by("created_at", "pk"))
        )
        .order_by("-overdue", "due_date", "pk")
    )


def tracker_meetings(*, user: User) -> QuerySet[Meeting]:
    """The meetings whose actions `user` may track: those they organize (staff: all)."""
    meetings = Meeting.objects.all()
    if not user.is_staff:
        meetings = meetings.filter(organizers=user)
    return meetings


def actions_for_tracker(*, user: User, today: date | None = None) -> QuerySet[Action]:
    """Every action of the meetings `user` organizes (staff: all) with its meeting and who is
    responsible, in one query: overdue first, then by due date."""
    today = today or timezone.localdate()
    actions = Action.objects.all()
    if not user.is_staff:
        actions = actions.filter(meeting__in=tracker_meetings(user=user).values("pk"))
    return (
        _with_overdue(actions, today)
        .select_related("meeting", "responsible_agency", "responsible_member")
        .order_by("-overdue", "due_date", "pk")
    )


# --- The meeting page for participants --------------------------------------------------------

MINUTES_SHOWN = (Minutes.State.APPROVED, Minutes.State.DISTRIBUTED)
DOCUMENTS_SHOWN = (Document.Visibility.PARTICIPANTS, Document.Visibility.PUBLIC)


def meeting_is_over(meeting: Meeting, *, now=None) -> bool:
    """Finished, or past the end of its last session."""
    if meeting.state == Meeting.State.FINISHED:
        return True
    if meeting.state == Meeting.State.CANCELLED:
        return False
    last_end = max((session.ends_at for session in meeting.sessions.all()), default=None)
    return last_end is not None and last_end <= (now or timezone.now())


def approved_minutes_content(meeting: Meeting) -> dict | None:
    """The latest approved version of the minutes ({'sections': [{'title', 'discussion'}],
    'conclusions', 'version'}), or None when none was approved. A correction under way does
    not hide the version approved before it."""
    revision = (
        MinutesRevision.objects.filter(minutes__meeting=meeting, approved_version__isnull=False)
        .order_by("-approved_version", "-pk")
        .first()
    )
    if revision is not None:
        content = revision.content or {}
        return {
            "sections": content.get("sections") or [],
            "conclusions": content.get("conclusions") or "",
            "version": revision.approved_version,
        }
    minutes = (
        Minutes.objects.filter(meeting=meeting, state__in=MINUTES_SHOWN)
        .prefetch_related("sections")
        .first()
    )
    if minutes is None:
        return None
    return {
        "sections": [
            {"title": section.title, "discussion": section.discussion}
            for section in minutes.sections.all()
        ],
        "conclusions": minutes.conclusions,
        "version": minutes.version,
    }


def participant_outputs(*, invitation: Invitation, secret: str, now=None) -> dict | None:
    """What an invitee sees of a meeting's outputs on their answer page (`secret` is its answer
    link) once it is over: the approved minutes, the documents for participants, and the
    actions of their agency (or theirs). None before the meeting is over."""
    meeting = invitation.meeting
    if not meeting_is_over(meeting, now=now):
        return None
    member = invitation.member
    responsible = Q(responsible_member=member)
    if member.agency_id:
        responsible |= Q(responsible_agency_id=member.agency_id)
    today = timezone.localdate()
    actions = list(
        _with_overdue(meeting.actions.filter(responsible), today)
        .select_related("responsible_agency", "responsible_member")
        .order_by("-overdue", "due_date", "pk")
    )
    documents = list(
        meeting.documents.filter(visibility__in=DOCUMENTS_SHOWN).order_by("kind", "title", "pk")
    )
    minutes = approved_minutes_content(meeting)
    if minutes is not None:
        minutes["conclusions_html"] = render_markdown(minutes["conclusions"])
        for section in minutes["sections"]:
            section["discussion_html"] = render_markdown(section.get("discussion") or "")
    return {
        "minutes": minutes,
        "documents": [(document, _document_url(document, secret)) for document in documents],
        "actions": actions,
    }


def _document_url(document: Document, secret: str) -> str:
    """The document's download address through the participant's answer link (no password)."""
    return reverse("outputs:answer_document_download", args=[secret, document.pk])


# --- Minutes and decisions (outputs/views/minutes.py, outputs/views/decisions.py) -----------------


def minutes_header(*, meeting: Meeting) -> dict:
    """The header of the minutes, read from the meeting and the attendance records now: day and
    date, time with zone, place or online link, chair, minute-taker, those present (checked in
    at any session) counted and listed by agency, and who was excused or absent. One query for
    the sessions, one for the invitations and one per level of units, whatever their number."""
    from attendance.models import Status
    from attendance.selectors import with_attendance_status

    from .exports import meeting_when  # no WeasyPrint at import: it is loaded on demand

    sessions = list(meeting.sessions.all())
    invitations = with_attendance_status(meeting_id=meeting.pk).order_by(
        "member__agency__name", "member__full_name", "pk"
    )
    by_agency: dict[str, list[str]] = {}
    attended: set[int] = set()  # the agencies of those present, or represented
    others: dict[str, list] = {Status.EXCUSED: [], Status.REPRESENTED: [], Status.ABSENT: []}
    for invitation in invitations:
        member = invitation.member
        label = str(member.agency) if member.agency_id else "—"
        if invitation.status == Status.PRESENT:
            by_agency.setdefault(label, []).append(member.full_name)
            attended.add(member.agency_id)
        else:
            others[invitation.status].append((member.full_name, label))
            if invitation.status == Status.REPRESENTED:  # attended through their representative
                attended.add(member.agency_id)
    place = ", ".join(p for p in (meeting.venue, meeting.address.replace("\n", ", ")) if p)
    return {
        "when": meeting_when(meeting=meeting, sessions=sessions),
        "place": place,
        "online_url": meeting.online_url if meeting.mode != Meeting.Mode.IN_PERSON else "",
        "chair": meeting.chair,
        "minute_taker": meeting.minute_taker,
        "present_by_agency": sorted(by_agency.items()),
        "present_count": sum(len(names) for names in by_agency.values()),
        # Ministries and agencies, their units counted under them, as the notulen counts them.
        "agency_count": len({top.pk for top in top_agencies(attended).values()}),
        "excused": others[Status.EXCUSED],
        "represented": others[Status.REPRESENTED],
        "absent": others[Status.ABSENT],
    }


def minutes_for_editor(*, meeting: Meeting) -> Minutes | None:
    """The meeting's minutes with their sections and each section's review comments (with the
    reviewer), in three queries; None before they were started."""
    from .models import MinutesSection, ReviewComment

    return (
        Minutes.objects.filter(meeting=meeting)
        .prefetch_related(
            Prefetch(
                "sections",
                queryset=MinutesSection.objects.order_by("position", "pk").prefetch_related(
                    Prefetch(
                        "comments",
                        queryset=ReviewComment.objects.select_related("review__member__agency"),
                    )
                ),
            )
        )
        .first()
    )


def general_review_comments(*, minutes: Minutes) -> QuerySet:
    """Review comments on the minutes as a whole (no section), with their reviewer."""
    from .models import ReviewComment

    return ReviewComment.objects.filter(
        review__minutes=minutes, section__isnull=True
    ).select_related("review__member__agency")


def decisions_for_meeting(*, meeting: Meeting) -> QuerySet:
    """The meeting's decisions in number order, each with its agenda item; one query."""
    from .models import Decision

    return Decision.objects.filter(meeting=meeting).select_related("agenda_item").order_by("number")


def minutes_revisions(*, minutes: Minutes) -> QuerySet[MinutesRevision]:
    """The revisions, newest first, with their author; the text itself is not loaded."""
    return minutes.revisions.select_related("author").defer("content")


def decisions_search(*, user: User) -> QuerySet:
    """Decisions of the meetings `user` organizes (staff: all), with their meeting and agenda
    item, newest meeting first; one query for any number of rows (the filter narrows it)."""
    from .models import Decision

    decisions = Decision.objects.all()
    if not user.is_staff:
        decisions = decisions.filter(
            meeting__in=Meeting.objects.filter(organizers=user).values("pk")
        )
    return decisions.select_related("meeting", "agenda_item").order_by(
        "-meeting__created_at", "number"
    )
