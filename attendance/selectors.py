"""Reads about attendance that grow with the data, each in a fixed number of queries.

Scanner: who may operate it, the sessions it offers, the recent check-ins, the search for
checking in by hand; the scan audit of a meeting.
"""

from datetime import datetime
from typing import TYPE_CHECKING, TypeAlias, TypedDict, cast

from django.db.models import (
    BinaryField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.aggregates import Max
from django.db.models.functions import Lower

from attendance.models import (
    Attended,
    CheckIn,
    Excuse,
    OnlineAttendance,
    ScanAttempt,
    Status,
    WalkIn,
)
from core.ids import parse_id
from events.models import Invitation, Meeting, Session
from members.agencies import AgencyMatcher
from members.models import Agency, Member


class StatusAnnotation(TypedDict):
    status: str  # Status


class AttendedAnnotations(TypedDict):
    online_minutes: int | None
    online_reached: bool
    attended: str  # Attended


class DirectoryMatches(TypedDict):
    member: Member | None
    agency_matches: list[Agency]


class SessionAnnotations(StatusAnnotation, AttendedAnnotations):
    checkin_id: int | None
    checked_in_at: datetime | None
    checkin_method: str | None
    signed: bool
    excuse_reason: str | None
    is_walk_in: bool


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # The rows of with_attendance_status(), attendance_for_session() and with_attended(), as
    # the type checker knows their annotations.
    InvitationWithStatus: TypeAlias = WithAnnotations[Invitation, StatusAnnotation]
    SessionAttendance: TypeAlias = WithAnnotations[Invitation, SessionAnnotations]
    AttendedCheckIn: TypeAlias = WithAnnotations[CheckIn, AttendedAnnotations]
    # A walk-in of with_directory_matches(), with the attributes it sets.
    ReviewedWalkIn: TypeAlias = WithAnnotations[WalkIn, DirectoryMatches]

SEARCH_LIMIT = 20
RECENT_LIMIT = 15


def visitor_invitation(
    *, meeting: Meeting, remembered_id: int | None, user=None
) -> Invitation | None:
    """The invitation to `meeting` of a visitor: the one their browser remembers
    (`remembered_id`), else the one of their account `user`. Withdrawn ones do not count."""
    invitations = Invitation.objects.select_related("member__agency").filter(
        meeting=meeting, withdrawn_at__isnull=True
    )
    if remembered_id is not None:
        invitation = invitations.filter(pk=remembered_id).first()
        if invitation is not None:
            return invitation
    if user is not None:
        return invitations.filter(member__user=user).first()
    return None


def scanner_sessions(*, meeting: Meeting) -> list[Session]:
    """The meeting's sessions in order, each knowing when the whole meeting ends (the scan
    service needs it to close check-in)."""
    ends = (
        Session.objects.filter(meeting=OuterRef("meeting"))
        .values("meeting")
        .annotate(end=Max("ends_at"))
        .values("end")
    )
    sessions: list[Session] = list(
        Session.objects.filter(meeting=meeting).annotate(meeting_ends_at=Subquery(ends))
    )
    for session in sessions:
        session.meeting = meeting
    return sessions


def scanner_session(*, meeting: Meeting, session_id) -> Session | None:
    """One session of `meeting` by id (from the operator's form), or None."""
    wanted = parse_id(session_id)
    if wanted is None:
        return None
    ends = (
        Session.objects.filter(meeting=OuterRef("meeting"))
        .values("meeting")
        .annotate(end=Max("ends_at"))
        .values("end")
    )
    session = (
        Session.objects.filter(meeting=meeting, pk=wanted)
        .annotate(meeting_ends_at=Subquery(ends))
        .first()
    )
    if session is not None:
        session.meeting = meeting
    return session


def scan_audit(*, meeting: Meeting) -> QuerySet[ScanAttempt]:
    """Every scan attempt at the meeting's doors (and every undo, self and online check-in),
    newest first, with its session, desk and person in the same query; `member_id` names the
    person for the access log (None when the attempt names nobody)."""
    return (
        ScanAttempt.objects.filter(meeting=meeting)
        .select_related("session", "operator", "operator_link", "invitation__member__agency")
        .annotate(member_id=F("invitation__member_id"))
        .order_by("-recorded_at", "-pk")
    )


def recent_checkins(*, session: Session, limit: int = RECENT_LIMIT) -> QuerySet[CheckIn]:
    return (
        CheckIn.objects.filter(session=session)
        .select_related("invitation__member__agency")
        .order_by("-recorded_at", "-pk")[:limit]
    )


def search_invitees(
    *, meeting: Meeting, session: Session, query: str, limit: int = SEARCH_LIMIT
) -> QuerySet[Invitation]:
    """Invitations of the meeting still standing whose person matches `query` by name, agency
    (name or acronym) or NIP typed in full (a desk, an operator link with no account, sees no
    NIP: a part of one finds nobody), each marked with whether they are checked in for
    `session`."""
    query = query.strip()[:100]
    if len(query) < 2:
        return Invitation.objects.none()
    matches = (
        Q(member__full_name__icontains=query)
        | Q(member__agency__name__icontains=query)
        | Q(member__agency__acronym__iexact=query)
    )
    digits = query.replace(" ", "")
    if digits.isdigit():
        matches |= Q(member__nip=digits)
    return (
        Invitation.objects.filter(meeting=meeting, withdrawn_at__isnull=True)
        .filter(matches)
        .select_related("member__agency")
        .annotate(
            # Someone present online only may still come to the room: the desk checks them in.
            checked_in=Exists(
                CheckIn.objects.filter(invitation=OuterRef("pk"), session=session).exclude(
                    method=CheckIn.Method.ONLINE
                )
            )
        )
        .order_by("member__full_name", "pk")[:limit]
    )


# --- Attendance records, the dashboard, the daftar hadir and the minutes ----------------------

DASHBOARD_LATEST = 10


def with_attendance_status(
    *, meeting_id: int, session: Session | None = None
) -> "QuerySet[InvitationWithStatus]":
    """Every invitation of the meeting `meeting_id` still standing, with its person and
    agency, and its `status` (Status); first match wins: Present when checked in, Excused
    when the organizer recorded an excuse (izin), Represented when the invitee sent a
    representative who checked in (present through them), otherwise Absent. For one
    `session`, or for the whole meeting without one (present at any session, excused from
    any). A check-in outranks an excuse: someone excused who came after all is present. One
    query however many rows; the one place this rule is written."""
    checkins = CheckIn.objects.filter(invitation=OuterRef("pk"))
    excuses = Excuse.objects.filter(invitation=OuterRef("pk"))
    stand_in = CheckIn.objects.filter(invitation=OuterRef("represented_by"))
    if session is not None:
        checkins, excuses = checkins.filter(session=session), excuses.filter(session=session)
        stand_in = stand_in.filter(session=session)
    return (
        Invitation.objects.filter(meeting_id=meeting_id, withdrawn_at__isnull=True)
        .select_related("member__agency")
        .annotate(
            status=Case(
                When(Exists(checkins), then=Value(Status.PRESENT)),
                When(Exists(excuses), then=Value(Status.EXCUSED)),
                When(
                    Q(answer=Invitation.Answer.REPRESENTED) & Exists(stand_in),
                    then=Value(Status.REPRESENTED),
                ),
                default=Value(Status.ABSENT),
                output_field=CharField(),
            )
        )
    )


def attended_how(*, method: str, online_reached: str) -> Case:
    """How someone attended (Attended), from the field or annotation `method` (their
    check-in's method, null without one) and the boolean `online_reached` (their online time
    reached the threshold): an online check-in is online; a check-in at the venue with online
    evidence is both; any other check-in is the room; "" without a check-in. The one place
    this rule is written."""
    return Case(
        When(Q(**{f"{method}__isnull": True}), then=Value("")),
        When(Q(**{method: CheckIn.Method.ONLINE}), then=Value(Attended.ONLINE)),
        When(Q(**{online_reached: True}), then=Value(Attended.BOTH)),
        default=Value(Attended.ROOM),
        output_field=CharField(),
    )


def attendance_for_session(*, session: Session) -> "QuerySet[SessionAttendance]":
    """with_attendance_status for `session`, by name, with for this session: `checked_in_at`,
    `checkin_method`, `checkin_id`, `signed`, `excuse_reason`, `is_walk_in`, `online_minutes`
    (None without online evidence) and `attended` (Attended, "" when not present); one query
    however many rows."""
    checkins = CheckIn.objects.filter(invitation=OuterRef("pk"), session=session)
    excuses = Excuse.objects.filter(invitation=OuterRef("pk"), session=session)
    online = OnlineAttendance.objects.filter(invitation=OuterRef("pk"), session=session)
    return (
        with_attendance_status(meeting_id=session.meeting_id, session=session)
        .annotate(
            checkin_id=Subquery(checkins.values("pk")[:1]),
            checked_in_at=Subquery(checkins.values("at")[:1]),
            checkin_method=Subquery(checkins.values("method")[:1]),
            signed=Exists(checkins.filter(signature__isnull=False)),
            excuse_reason=Subquery(excuses.values("reason")[:1]),
            is_walk_in=Exists(checkins.filter(method=CheckIn.Method.WALK_IN)),
            online_minutes=Subquery(online.values("minutes")[:1]),
            online_reached=Exists(online.filter(reached=True)),
        )
        .annotate(attended=attended_how(method="checkin_method", online_reached="online_reached"))
        .order_by("member__full_name", "pk")
    )


def session_counts(*, meeting: Meeting) -> list[dict]:
    """Per session, in order: the session and how many invitees are present, excused,
    represented and absent, how many accepted, and of those present how many attended in the
    room, online and both (`attended`). One query per session plus one."""
    sessions = list(meeting.sessions.all())
    accepted = meeting.invitations.filter(
        withdrawn_at__isnull=True, answer=Invitation.Answer.YES
    ).count()
    counts = []
    for session in sessions:
        session.meeting = meeting
        by_status: dict[str, int] = {}
        attended: dict[str, int] = {}
        grouped = (
            attendance_for_session(session=session)
            .order_by()
            .values_list("status", "attended")
            .annotate(n=Count("pk"))
        )
        for status, how, n in grouped:
            by_status[status] = by_status.get(status, 0) + n
            if how:
                attended[how] = attended.get(how, 0) + n
        counts.append(
            {
                "session": session,
                "accepted": accepted,
                "total": sum(by_status.values()),
                **{status.value: by_status.get(status.value, 0) for status in Status},
                "attended": {how.value: attended.get(how.value, 0) for how in Attended},
            }
        )
    return counts


def agency_counts(*, session: Session) -> list[dict]:
    """Per agency of the invitees, by name: invited (still standing) and present at `session`,
    with the share present in percent; one query."""
    rows = (
        Invitation.objects.filter(meeting_id=session.meeting_id, withdrawn_at__isnull=True)
        .order_by()
        .values("member__agency__name", "member__agency__acronym")
        .annotate(
            invited=Count("pk", distinct=True),
            present=Count("checkins", filter=Q(checkins__session=session), distinct=True),
        )
        .order_by("member__agency__name")
    )
    return [
        {
            "agency": row["member__agency__acronym"] or row["member__agency__name"] or "—",
            "agency_name": row["member__agency__name"] or "—",
            "invited": row["invited"],
            "present": row["present"],
            "percent": round(100 * row["present"] / row["invited"]) if row["invited"] else 0,
        }
        for row in rows
    ]


def with_attended(checkins: QuerySet[CheckIn]) -> "QuerySet[AttendedCheckIn]":
    """Check-ins with `online_minutes` (None without online evidence) and `attended`
    (Attended), in the same query."""
    online = OnlineAttendance.objects.filter(
        invitation=OuterRef("invitation"), session=OuterRef("session")
    )
    return checkins.annotate(
        online_minutes=Subquery(online.values("minutes")[:1]),
        online_reached=Exists(online.filter(reached=True)),
    ).annotate(attended=attended_how(method="method", online_reached="online_reached"))


def latest_checkins(*, meeting: Meeting, limit: int = DASHBOARD_LATEST) -> list[CheckIn]:
    return list(
        with_attended(CheckIn.objects.filter(session__meeting=meeting))
        .select_related("invitation__member__agency", "session")
        .defer("signature")
        .order_by("-at", "-pk")[:limit]
    )


def pending_walk_ins(*, meeting: Meeting) -> QuerySet[WalkIn]:
    return (
        WalkIn.objects.filter(meeting=meeting, state=WalkIn.State.PENDING)
        .select_related("session")
        .defer("signature")
        .order_by("created_at", "pk")
    )


def walk_ins_to_review(*, meeting: Meeting) -> "list[ReviewedWalkIn]":
    """The pending walk-ins, each with what the organizer needs to confirm them (see
    with_directory_matches). Three queries whatever their number."""
    return with_directory_matches(list(pending_walk_ins(meeting=meeting)))


def with_directory_matches(walk_ins: list[WalkIn]) -> "list[ReviewedWalkIn]":
    """Each walk-in with `member` (the member who already has their email, or None) and
    `agency_matches` (the directory's agencies their typed agency names: one, several or
    none). Two queries."""
    members = {
        member.email_lower: member
        for member in Member.objects.select_related("agency")
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in=[w.email.lower() for w in walk_ins if w.email])
    }
    matcher = AgencyMatcher(w.agency_name for w in walk_ins)
    reviewed = cast("list[ReviewedWalkIn]", walk_ins)  # given their attributes below
    for walk_in in reviewed:
        walk_in.member = members.get(walk_in.email.lower()) if walk_in.email else None
        walk_in.agency_matches = matcher.lookup(walk_in.agency_name)
    return reviewed


def sheet_rows(*, session: Session, blank: bool = False) -> list[dict]:
    """The rows of the daftar hadir of `session`, by name: those checked in, each with their
    signature (PNG bytes or None); for the blank paper sheet, those who accepted (including
    representatives), with no signature. One query."""
    people = Invitation.objects.filter(meeting_id=session.meeting_id, withdrawn_at__isnull=True)
    if blank:
        people = people.filter(answer=Invitation.Answer.YES).annotate(
            signature=Value(None, output_field=BinaryField())
        )
    else:
        signature = CheckIn.objects.filter(invitation=OuterRef("pk"), session=session)
        people = people.filter(checkins__session=session).annotate(
            signature=Subquery(signature.values("signature")[:1])
        )
    people = people.select_related("member__agency").order_by("member__full_name", "pk")
    return [
        {
            "name": invitation.member.full_name,
            "nip": invitation.member.nip,
            "position": invitation.member.position,
            "agency": str(invitation.member.agency) if invitation.member.agency_id else "",
            "signature": bytes(invitation.signature) if invitation.signature else None,
        }
        for invitation in people
    ]


def agencies_for_guests(*, meeting: Meeting, emails: list[str]) -> dict[str, list]:
    """The agencies an organizer may add each unknown person of a participant report to (by
    email, lower-cased): first those whose members write from the same email domain (a guest
    from another agency), then the agencies of the meeting's invitees. Three queries, however many
    people or agencies."""
    from django.db.models.functions import StrIndex, Substr

    from members.models import Agency

    invited = list(
        Agency.objects.filter(members__invitations__meeting=meeting).distinct().order_by("name")
    )
    domain_of = {
        email.lower(): email.rpartition("@")[2].lower() for email in emails if "@" in email
    }
    by_domain: dict[str, list] = {}
    if domain_of:
        found = (
            Member.objects.filter(agency__isnull=False)
            .annotate(domain=Lower(Substr("email", StrIndex("email", Value("@")) + 1)))
            .filter(domain__in=set(domain_of.values()))
            .order_by()
            .values_list("domain", "agency_id")
            .distinct()
        )
        pairs = list(found)
        agencies = Agency.objects.in_bulk({agency_id for _domain, agency_id in pairs})
        for domain, agency_id in sorted(pairs, key=lambda pair: agencies[pair[1]].name):
            by_domain.setdefault(domain, []).append(agencies[agency_id])
    return {
        email: by_domain.get(domain, [])
        + [agency for agency in invited if agency not in by_domain.get(domain, [])]
        for email, domain in domain_of.items()
    }
