"""What a scan reads before it writes, in two lean queries however large the meeting and its
audit: the desk (who scans into which session, and whether they have reached their rate limit)
and the holder of the ticket (with their check-in for the session, if any). Each query asks
only for the columns the rules use: building an ORM query costs more than running it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import FilteredRelation, Max, OuterRef, Q, Value
from django.utils import timezone

from attendance.models import OperatorLink
from core.secrets import SECRET_SHAPE, hash_secret
from events.models import Invitation, Meeting, Session
from members.models import User

from .scan_limits import desk_over_limit


@dataclass(frozen=True)
class Desk:
    """Who scans into which session: an operator account or an operator link (whose label
    names the check-ins it makes), and whether the desk has already made as many attempts as
    its rate limit allows (`limited`)."""

    meeting_id: int
    time_zone: str
    session_id: int
    session_title: str
    starts_at: datetime
    ends_at: datetime
    operator: User | None
    link_id: int | None
    operator_name: str
    limited: bool = False

    def meeting_ends_at(self) -> datetime:
        """When the whole meeting ends (the desk takes check-ins until then): read only when a
        scan comes after this session's own end."""
        ends = Session.objects.filter(meeting_id=self.meeting_id).aggregate(end=Max("ends_at"))
        return ends["end"]


def scan_desk(
    *,
    meeting: Meeting,
    session_id: int | None,
    operator: User | None = None,
    operator_link: OperatorLink | None = None,
    counted: bool = True,
) -> Desk | None:
    """The desk of an operator account (or of a link already looked up) scanning into the
    session `session_id` of `meeting`, or None when the meeting has no such session. With
    `counted`, whether the desk has reached its rate limit. One query."""
    if session_id is None:
        return None
    sessions = Session.objects.filter(pk=session_id, meeting_id=meeting.pk).order_by()
    if counted:
        now = timezone.now()
        sessions = sessions.annotate(
            limited=desk_over_limit(operator=operator, operator_link=operator_link, now=now)
        )
    else:
        sessions = sessions.annotate(limited=Value(False))
    found = list(sessions.values_list("title", "starts_at", "ends_at", "limited")[:1])
    if not found:
        return None
    title, starts_at, ends_at, limited = found[0]
    if operator is not None:
        name = getattr(operator, "name", "") or operator.email
    else:
        name = operator_link.label if operator_link is not None else ""
    return Desk(
        meeting_id=meeting.pk,
        time_zone=meeting.time_zone,
        session_id=session_id,
        session_title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        operator=operator,
        link_id=operator_link.pk if operator_link is not None else None,
        operator_name=name[:200],
        limited=limited,
    )


def scan_desk_for_link(*, secret: str, session_id: int | None) -> Desk | None:
    """The desk of the standing operator link `secret` scanning into the session
    `session_id` of the link's meeting, with its rate limit, or None (a forged, mistyped or
    revoked link, or no such session). One query: the link, its meeting and the session."""
    if session_id is None or not secret or not SECRET_SHAPE.fullmatch(secret):
        return None
    limited = desk_over_limit(
        operator_link=OuterRef("meeting__operator_links__pk"), now=timezone.now()
    )
    found = list(
        Session.objects.filter(
            pk=session_id,
            meeting__operator_links__secret_hash=hash_secret(secret),
            meeting__operator_links__revoked_at__isnull=True,
        )
        .annotate(limited=limited)
        .values_list(
            "meeting_id",
            "meeting__time_zone",
            "title",
            "starts_at",
            "ends_at",
            "meeting__operator_links__pk",
            "meeting__operator_links__label",
            "limited",
        )
        .order_by()[:1]
    )
    if not found:
        return None
    meeting_id, zone, title, starts_at, ends_at, link_id, label, limited_now = found[0]
    return Desk(
        meeting_id=meeting_id,
        time_zone=zone,
        session_id=session_id,
        session_title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        operator=None,
        link_id=link_id,
        operator_name=label[:200],
        limited=limited_now,
    )


@dataclass(frozen=True)
class Holder:
    """An invitation as the door sees it: whose, whether it stands, and the person's check-in
    for the session (`prior_…`, all None when they have none)."""

    pk: int
    meeting_id: int
    withdrawn_at: datetime | None
    answer: str
    full_name: str
    agency: str | None
    position: str
    prior_id: int | None
    prior_at: datetime | None
    prior_by: str | None
    prior_nonce: str | None
    prior_method: str | None


def find_holder(
    *, session_id: int, ticket_secret: str | None = None, invitation_id: int | None = None
) -> Holder | None:
    """The holder of the ticket whose secret is `ticket_secret` (of any meeting: the rules
    refuse another meeting's ticket by name), or the invitation `invitation_id`. One query,
    through the ticket's unique secret and the check-in's (invitation, session) key."""
    if ticket_secret is not None:
        invitations = Invitation.objects.filter(ticket__secret=ticket_secret)
    elif invitation_id is not None:
        invitations = Invitation.objects.filter(pk=invitation_id)
    else:
        raise TypeError("find_holder needs a ticket secret or an invitation id")
    prior = FilteredRelation("checkins", condition=Q(checkins__session_id=session_id))
    found = list(
        invitations.annotate(prior=prior).values_list(
            "pk",
            "meeting_id",
            "withdrawn_at",
            "answer",
            "member__full_name",
            "member__agency__name",
            "member__position",
            "prior__id",
            "prior__at",
            "prior__operator_name",
            "prior__nonce",
            "prior__method",
        )[:1]
    )
    return Holder(*found[0]) if found else None
