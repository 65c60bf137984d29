"""A member's personal calendar feed: every meeting they are invited to, as one iCalendar file
that calendar apps subscribe to (webcal:// or https://) and refresh on their own.

The link holds a random secret (core.secrets); only its hash is kept in
Member.calendar_feed_hash, so the member sees the link once, when they create or reset it, and
a reset makes the old link stop working at once.

Which meetings: the member's invitations that are not withdrawn and whose answer is not "no"
(nor "sends a representative": the representative goes, they do not), of meetings that are
published, finished (the calendar keeps its history) or cancelled (kept, with STATUS:CANCELLED,
so subscribed calendars mark them instead of silently dropping them). Drafts never appear.

The file is METHOD:PUBLISH (RFC 5546 §3.2.1): no ATTENDEE, no RSVP; one VEVENT per session
with the session's UID and the meeting's SEQUENCE, as in the invitations, and a VTIMEZONE for
each zone. A session removed from a meeting simply leaves the feed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override
from icalendar import STATUS, Calendar, Event

from core.secrets import hash_secret, lookup_hash, new_secret
from members.models import Member

from .calendar import PRODID, event_summary, organizer
from .mail_bodies import absolute_url
from .models import AgendaItem, Invitation, Meeting, Session
from .snapshot import MeetingSnapshot, SessionInfo, session_lines
from .timezones import in_zone, vtimezone_for

REFRESH_INTERVAL = timedelta(hours=1)  # RFC 7986; X-PUBLISHED-TTL below says the same
SHOWN_STATES = (Meeting.State.PUBLISHED, Meeting.State.FINISHED, Meeting.State.CANCELLED)
HIDDEN_ANSWERS = (Invitation.Answer.NO, Invitation.Answer.REPRESENTED)


@transaction.atomic
def reset_calendar_feed(*, member: Member) -> str:
    """A new secret for the member's feed, returned once for the link; only its hash is kept,
    replacing the old one, so the old link stops working at once."""
    secret = new_secret()
    member.calendar_feed_hash = hash_secret(secret)
    Member.objects.filter(pk=member.pk).update(calendar_feed_hash=member.calendar_feed_hash)
    return secret


def member_for_feed_secret(secret: str) -> Member | None:
    """The member a feed link belongs to, or None for a forged, mistyped or replaced one.
    The lookup is by the secret's hash (core.secrets); the feed's view opens it through
    core.links, which counts wrong links."""
    digest = lookup_hash(secret)
    if digest is None:
        return None
    return Member.objects.filter(calendar_feed_hash=digest).first()


def feed_url(secret: str) -> str:
    """The https:// (or the site's own scheme) address of the feed."""
    return absolute_url(reverse("events:calendar_feed", args=[secret]))


def webcal_url(secret: str) -> str:
    """The same address as webcal://, which opens the calendar app's "subscribe" dialog."""
    return "webcal://" + feed_url(secret).split("://", 1)[1]


def feed_invitations(*, member: Member) -> list[Invitation]:
    """The invitations the feed shows (see the module), with their meetings, sessions and
    agenda: three queries however many meetings there are."""
    return list(
        Invitation.objects.filter(
            member=member,
            withdrawn_at__isnull=True,
            meeting__state__in=SHOWN_STATES,
        )
        .exclude(answer__in=HIDDEN_ANSWERS)
        .select_related("meeting__host_agency")
        .prefetch_related(
            Prefetch("meeting__sessions", queryset=Session.objects.order_by("starts_at", "pk")),
            Prefetch("meeting__agenda_items", queryset=AgendaItem.objects.none()),
        )
        .order_by("meeting_id")
    )


def build_feed(
    *, member: Member, invitations: list[Invitation], stamp: datetime | None = None
) -> bytes:
    """The feed file: METHOD:PUBLISH, one VEVENT per meeting with sessions, one VTIMEZONE per
    zone (or the times in UTC for a zone icalendar cannot describe), texts in the member's
    language."""
    stamp = stamp or datetime.now(UTC)
    with override(member.language):
        calendar = Calendar.new(
            prodid=PRODID,
            method="PUBLISH",
            name=_("Rakor: meetings of %(name)s") % {"name": member.full_name},
        )
        del calendar["UID"]  # Calendar.new draws a new one on every build
        calendar.add("REFRESH-INTERVAL", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
        calendar.add("X-PUBLISHED-TTL", "PT1H")  # Outlook's name for the same
        snapshots = [MeetingSnapshot.of(invitation.meeting) for invitation in invitations]
        years: dict[str, set[int]] = {}
        for snapshot in snapshots:
            zone = ZoneInfo(snapshot.time_zone)
            years.setdefault(snapshot.time_zone, set()).update(
                moment.astimezone(zone).year
                for session in snapshot.sessions
                for moment in (session.starts_at, session.ends_at)
            )
        zones = {
            zone: vtimezone_for(zone, first_year=min(found), last_year=max(found))
            for zone, found in sorted(years.items())
            if found
        }
        events = [
            _event(snapshot, invitation, session, stamp, described=zones.get(snapshot.time_zone))
            for snapshot, invitation in zip(snapshots, invitations, strict=True)
            for session in snapshot.sessions
        ]
        for vtimezone in zones.values():
            if vtimezone is not None:
                calendar.add_component(vtimezone)
        for event in events:
            calendar.add_component(event)
        # A zone's VTIMEZONE only where an event uses its TZID (UTC and its aliases need none).
        used = calendar.get_used_tzids() - {"UTC"}
        calendar.subcomponents = [
            component
            for component in calendar.subcomponents
            if component.name != "VTIMEZONE" or str(component["TZID"]) in used
        ]
    return calendar.to_ical()


def _event(
    snapshot: MeetingSnapshot,
    invitation: Invitation,
    session: SessionInfo,
    stamp: datetime,
    *,
    described,
) -> Event:
    """The session's event, as the invitations show it (UID, SEQUENCE, times). `described` is
    the zone's VTIMEZONE, or None to write the times in UTC (see events.timezones)."""
    cancelled = invitation.meeting.state == Meeting.State.CANCELLED
    summary = event_summary(snapshot, session)
    start, end = session.starts_at.astimezone(UTC), session.ends_at.astimezone(UTC)
    if described is not None:
        start, end = in_zone(start, snapshot.time_zone), in_zone(end, snapshot.time_zone)
    event = Event.new(
        uid=session.uid,
        start=start,
        end=end,
        summary=(_("Cancelled: %(title)s") % {"title": summary}) if cancelled else summary,
        location=snapshot.location or None,
        url=snapshot.online_link or None,
        organizer=organizer(snapshot),
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
        description=_description(snapshot, invitation),
        last_modified=invitation.meeting.updated_at,
        stamp=stamp,
    )
    event.sequence = snapshot.sequence
    return event


def _description(snapshot: MeetingSnapshot, invitation: Invitation) -> str:
    lines = [snapshot.title, snapshot.host_agency, "", _("Schedule:")]
    lines += [f"- {line}" for line in session_lines(snapshot)]
    if snapshot.place:
        lines += ["", _("Place: %(place)s") % {"place": snapshot.place}]
    if snapshot.online_link:
        lines += ["", _("Online link: %(url)s") % {"url": snapshot.online_link}]
    answer = Invitation.Answer(invitation.answer).label
    lines += ["", _("Your answer: %(answer)s") % {"answer": answer}]
    if snapshot.description.strip():
        lines += ["", snapshot.description.strip()]
    return "\n".join(lines)
