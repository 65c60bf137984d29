"""A member's personal calendar feed: every meeting they are invited to, as one iCalendar file
that calendar apps subscribe to (webcal:// or https://) and refresh on their own.

The link holds a random secret (core.secrets); only its hash is kept in
Member.calendar_feed_hash, so the member sees the link once, when they create or reset it, and
a reset makes the old link stop working at once.

Which meetings: the member's invitations that are not withdrawn and whose answer is not "no"
(nor "sends a representative": the representative goes, they do not), of meetings that are
published, finished (the calendar keeps its history) or cancelled (kept, with STATUS:CANCELLED,
so subscribed calendars mark them instead of silently dropping them). Drafts never appear.

The file is METHOD:PUBLISH (RFC 5546 §3.2.1): no ATTENDEE, no RSVP; one VEVENT per meeting
with the meeting's UID and SEQUENCE, as in the invitations, and a VTIMEZONE for each zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override
from icalendar import Calendar, Event

from core.secrets import hash_secret, lookup_hash, new_secret
from members.models import Member

from .calendar import PRODID, MeetingSnapshot, organizer, session_lines, vtimezone_for
from .mail import absolute_url
from .models import AgendaItem, Invitation, Meeting, Session

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
        events, years = [], {}
        for invitation in invitations:
            snapshot = MeetingSnapshot.of(invitation.meeting)
            if not snapshot.sessions:
                continue
            events.append((snapshot, _event(snapshot, invitation, stamp)))
            first, last = years.get(snapshot.time_zone, (9999, 0))
            years[snapshot.time_zone] = (
                min(first, snapshot.starts_at.year),
                max(last, snapshot.ends_at.year),
            )
        zones = {}
        for zone, (first, last) in sorted(years.items()):
            zones[zone] = vtimezone_for(zone, first_year=first, last_year=last + 1)
        for zone, vtimezone in zones.items():
            if vtimezone is not None and zone != "UTC":
                calendar.add_component(vtimezone)
        for snapshot, event in events:
            if zones.get(snapshot.time_zone) is None:
                event.start = snapshot.starts_at.astimezone(UTC)
                event.end = snapshot.ends_at.astimezone(UTC)
            calendar.add_component(event)
    return calendar.to_ical()


def _event(snapshot: MeetingSnapshot, invitation: Invitation, stamp: datetime) -> Event:
    zone = ZoneInfo(snapshot.time_zone)
    cancelled = invitation.meeting.state == Meeting.State.CANCELLED
    event = Event.new(
        uid=snapshot.uid,
        start=snapshot.starts_at.astimezone(zone),
        end=snapshot.ends_at.astimezone(zone),
        summary=(_("Cancelled: %(title)s") % {"title": snapshot.title})
        if cancelled
        else snapshot.title,
        location=snapshot.location or None,
        url=snapshot.online_link or None,
        organizer=organizer(snapshot),
        status="CANCELLED" if cancelled else "CONFIRMED",
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
