"""The calendar files of a meeting (iCalendar, RFC 5545) as iTIP (RFC 5546) sends them.

Each session is a calendar event of its own: one VEVENT with the session's UID, its start and
end, and SUMMARY "title (session)" when the meeting has several; a file holds one session, since
Outlook, Gmail and Thunderbird act on the first event of a scheduling message only (the README
says why). SEQUENCE is the meeting's, for every session, so every message about the meeting is
newer than those before it. The DESCRIPTION lists every session, so each entry tells the whole
schedule.

Builders only: they read a meeting and its invitations and return bytes (Calendar.to_ical());
deciding who gets what, and raising SEQUENCE, is the services' business. A fan-out builds one
file per invitee and session: build a `MeetingSnapshot` once and pass it as `meeting`, so the
sessions, agenda, VTIMEZONE and what every file shares are read and built once per meeting,
not per message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vCalAddress

from members.mail import display_name

from .calendar_lines import SharedLines, SharingCalendar
from .models import Invitation, Meeting
from .snapshot import MeetingSnapshot, SessionInfo, session_line, session_lines
from .timezones import in_zone, vtimezone_for

PRODID = "-//Rakor//Rakor//ID"

# RFC 5545 §3.2.12 PARTSTAT. A waitlisted acceptance is not a seat yet: TENTATIVE.
PARTSTAT: dict[str, str] = {
    Invitation.Answer.PENDING: "NEEDS-ACTION",
    Invitation.Answer.YES: "ACCEPTED",
    Invitation.Answer.NO: "DECLINED",
    Invitation.Answer.MAYBE: "TENTATIVE",
    Invitation.Answer.REPRESENTED: "DELEGATED",
    Invitation.Answer.WAITLISTED: "TENTATIVE",
}
# RFC 5545 §3.2.16 ROLE; every other role takes part: REQ-PARTICIPANT.
ROLE: dict[str, str] = {
    Invitation.Role.CHAIR: "CHAIR",
    Invitation.Role.COMMITTEE: "NON-PARTICIPANT",
}


def build_request(
    *,
    meeting: Meeting | MeetingSnapshot,
    session: SessionInfo,
    invitations: Sequence[Invitation],
    answer_url: str = "",
    stamp: datetime | None = None,
) -> bytes:
    """METHOD:REQUEST (RFC 5546 §3.2.2) for one session: the invitation and every update.

    The session's UID for its life; SEQUENCE the meeting's (the services raise it, §2.1.4);
    STATUS:CONFIRMED. One ATTENDEE per invitation, with its current PARTSTAT and RSVP=TRUE.
    The DESCRIPTION carries `answer_url` when given.
    """
    return _build(
        snapshot=MeetingSnapshot.of(meeting),
        session=session,
        invitations=invitations,
        method="REQUEST",
        status="CONFIRMED",
        answer_url=answer_url,
        stamp=stamp,
        sequence=None,
    )


def build_cancel(
    *,
    meeting: Meeting | MeetingSnapshot,
    session: SessionInfo,
    invitations: Sequence[Invitation],
    cancelled: bool,
    stamp: datetime | None = None,
    sequence: int | None = None,
) -> bytes:
    """METHOD:CANCEL (RFC 5546 §3.2.5) for one session, same UID, the (raised) SEQUENCE:
    the snapshot's, or `sequence`.

    `cancelled=True` cancels the session for everyone (the meeting is cancelled, or the
    session removed): STATUS:CANCELLED. `False` withdraws the given attendees only: the file
    names just them and MUST NOT carry STATUS:CANCELLED.
    """
    return _build(
        snapshot=MeetingSnapshot.of(meeting),
        session=session,
        invitations=invitations,
        method="CANCEL",
        status="CANCELLED" if cancelled else None,
        answer_url="",
        stamp=stamp,
        sequence=sequence,
    )


def _build(
    *,
    snapshot: MeetingSnapshot,
    session: SessionInfo,
    invitations: Sequence[Invitation],
    method: str,
    status: str | None,
    answer_url: str,
    stamp: datetime | None,
    sequence: int | None,
) -> bytes:
    """The file: a copy of what every file of this session, method and language shares (made
    once per snapshot), with this message's DTSTAMP and ATTENDEEs, and its SEQUENCE and
    DESCRIPTION (with the answer link) when they are its own."""
    if not invitations:
        raise ValueError("An iTIP request or cancel names at least one attendee.")
    shared = _shared(snapshot, session, method=method, status=status)
    event = Event(shared.event)
    event.DTSTAMP = stamp or datetime.now(UTC)
    if sequence is not None:
        event.sequence = sequence
    if answer_url:
        event.description = _description(snapshot, answer_url=answer_url)
    event.attendees = [attendee(invitation) for invitation in invitations]
    calendar = SharingCalendar(shared.calendar)
    calendar.shared = shared.lines
    calendar.subcomponents = [*shared.timezones, event]
    return calendar.to_ical()


@dataclass(frozen=True)
class _Shared:
    calendar: Calendar  # PRODID, VERSION, METHOD
    event: Event  # every property of the session's event but the message's own
    timezones: tuple[Timezone, ...]  # the VTIMEZONE when the event's times need it
    lines: SharedLines


def _shared(
    snapshot: MeetingSnapshot, session: SessionInfo, *, method: str, status: str | None
) -> _Shared:
    """What every file of the session shares for this method and status, in the active
    language, built once per snapshot; each file copies its property values (never changed),
    so their content lines are written once too (see events.calendar_lines)."""
    key = ("ical", session.uid, method, status, get_language(), settings.CALENDAR_ORGANIZER_EMAIL)
    if key not in snapshot.cache:
        calendar = Calendar.new(prodid=PRODID, method=method)
        # Calendar.new gives the VCALENDAR a random RFC 7986 UID; iTIP has no use for one and
        # a value that changes on every build only makes copies of the same file differ.
        del calendar["UID"]
        event = Event.new(
            uid=session.uid,
            start=_moment(snapshot, session.starts_at),
            end=_moment(snapshot, session.ends_at),
            summary=event_summary(snapshot, session),
            location=snapshot.location or None,
            url=snapshot.online_link or None,
            organizer=organizer(snapshot),
            status=status,  # type: ignore[arg-type]  # "CONFIRMED" or "CANCELLED"
            description=_description(snapshot, answer_url=""),
        )
        del event["DTSTAMP"]  # each file's own
        event.sequence = snapshot.sequence
        calendar.add_component(event)
        # UTC and its aliases are written with "Z" and need none (RFC 5545 §3.3.5).
        vtimezone = _vtimezone(snapshot) if calendar.get_missing_tzids() else None
        timezones = (vtimezone,) if vtimezone is not None else ()
        lines = SharedLines()
        for component in (calendar, *timezones):
            lines.share(component)
        snapshot.cache[key] = _Shared(calendar, event, timezones, lines)
    return snapshot.cache[key]


def event_summary(snapshot: MeetingSnapshot, session: SessionInfo) -> str:
    """The meeting's title, and the session's after it when the meeting has several (a
    removed session counts as one of several)."""
    if len(snapshot.sessions) > 1 or session not in snapshot.sessions:
        return f"{snapshot.title} ({session.title})"
    return snapshot.title


def _moment(snapshot: MeetingSnapshot, moment: datetime) -> datetime:
    """`moment` as the file writes it: in the meeting's zone (UTC on a day its clocks change),
    or in UTC for a zone no VTIMEZONE describes well (see events.timezones)."""
    if _vtimezone(snapshot) is None:
        return moment.astimezone(UTC)
    return in_zone(moment, snapshot.time_zone)


def _vtimezone(snapshot: MeetingSnapshot) -> Timezone | None:
    """The VTIMEZONE of the meeting's zone for the years of its sessions, removed ones too."""
    if "vtimezone" not in snapshot.cache:
        zone = ZoneInfo(snapshot.time_zone)
        years = [
            moment.astimezone(zone).year
            for session in snapshot.sessions + snapshot.removed
            for moment in (session.starts_at, session.ends_at)
        ]
        snapshot.cache["vtimezone"] = vtimezone_for(
            snapshot.time_zone, first_year=min(years), last_year=max(years)
        )
    return snapshot.cache["vtimezone"]


def organizer(snapshot: MeetingSnapshot) -> vCalAddress:
    """A bare mailto: of the mailbox Rakor reads replies from, named after the host agency."""
    return vCalAddress.new(
        settings.CALENDAR_ORGANIZER_EMAIL, cn=display_name(snapshot.host_agency) or None
    )


def attendee(invitation: Invitation) -> vCalAddress:
    """ATTENDEE with CN, CUTYPE, ROLE, PARTSTAT from the current answer and RSVP=TRUE."""
    member = invitation.member
    delegated_to = None
    if (
        invitation.answer == Invitation.Answer.REPRESENTED
        and invitation.represented_by_id
        and (representative := invitation.represented_by) is not None
    ):
        delegated_to = representative.member.email
    return vCalAddress.new(
        member.email,
        cn=display_name(member.full_name) or None,
        cutype="INDIVIDUAL",
        role=ROLE.get(invitation.role, "REQ-PARTICIPANT"),
        partstat=PARTSTAT.get(invitation.answer, "NEEDS-ACTION"),
        rsvp=True,
        delegated_to=delegated_to,
    )


def _description(snapshot: MeetingSnapshot, *, answer_url: str) -> str:
    """The DESCRIPTION, in the active language: schedule, place, link, and how to answer."""
    key = ("description", get_language())
    if key not in snapshot.cache:
        lines = [snapshot.title, snapshot.host_agency]
        if snapshot.letter_number:
            lines.append(_("Letter number: %(number)s") % {"number": snapshot.letter_number})
        lines += ["", _("Schedule:")]
        lines += [f"- {line}" for line in session_lines(snapshot)]
        if snapshot.place:
            lines += ["", _("Place: %(place)s") % {"place": snapshot.place}]
        if snapshot.online_link:
            lines += ["", _("Online link: %(url)s") % {"url": snapshot.online_link}]
        if snapshot.description.strip():
            lines += ["", snapshot.description.strip()]
        snapshot.cache[key] = "\n".join(lines)
    if not answer_url:
        return snapshot.cache[key]
    answer = _("Answer the invitation: %(url)s") % {"url": answer_url}
    return f"{snapshot.cache[key]}\n\n{answer}"


# session_line is the snapshot's, kept importable from here where it always was.
__all__ = [
    "PRODID",
    "attendee",
    "build_cancel",
    "build_request",
    "event_summary",
    "organizer",
    "session_line",
]
