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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vCalAddress

from core.dates import format_day, format_moment, zone_label
from members.mail import display_name

from .models import Invitation, Meeting
from .timezones import in_zone, vtimezone_for

PRODID = "-//Rakor//Rakor//ID"

# RFC 5545 §3.2.12 PARTSTAT. A waitlisted acceptance is not a seat yet: TENTATIVE.
PARTSTAT = {
    Invitation.Answer.PENDING: "NEEDS-ACTION",
    Invitation.Answer.YES: "ACCEPTED",
    Invitation.Answer.NO: "DECLINED",
    Invitation.Answer.MAYBE: "TENTATIVE",
    Invitation.Answer.REPRESENTED: "DELEGATED",
    Invitation.Answer.WAITLISTED: "TENTATIVE",
}
# RFC 5545 §3.2.16 ROLE; every other role takes part: REQ-PARTICIPANT.
ROLE = {
    Invitation.Role.CHAIR: "CHAIR",
    Invitation.Role.COMMITTEE: "NON-PARTICIPANT",
}
ONLINE_MODES = (Meeting.Mode.ONLINE, Meeting.Mode.HYBRID)


@dataclass(frozen=True)
class SessionInfo:
    """A session as its calendar event shows it. `sequence` is the meeting's SEQUENCE when the
    session last changed for those who hold it (for a removed session: when it was removed)."""

    title: str
    starts_at: datetime
    ends_at: datetime
    uid: str = ""
    sequence: int = 0


@dataclass(frozen=True)
class AgendaInfo:
    title: str
    starts_at: datetime | None
    speaker: str
    moderator: str


@dataclass
class MeetingSnapshot:
    """What every message about one meeting shares, read once (three queries at most).

    `cache` keeps what the builders make once per language (agenda, session lines, the shared
    properties of each session's event); a snapshot describes the meeting as it was when
    taken, so take a new one after a change.
    """

    pk: int | None
    uid: str
    sequence: int
    title: str
    description: str
    host_agency: str
    letter_number: str
    mode: str
    venue: str
    address: str
    online_url: str
    time_zone: str
    answer_deadline: datetime | None
    sessions: tuple[SessionInfo, ...]
    agenda: tuple[AgendaInfo, ...]
    removed: tuple[SessionInfo, ...] = ()
    cache: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, meeting: Meeting | MeetingSnapshot) -> MeetingSnapshot:
        if isinstance(meeting, MeetingSnapshot):
            return meeting
        sessions = tuple(
            SessionInfo(
                title=s.title,
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                uid=s.uid,
                sequence=s.sequence,
            )
            for s in sorted(meeting.sessions.all(), key=lambda s: (s.starts_at, s.pk or 0))
        )
        agenda = tuple(
            AgendaInfo(
                title=a.title, starts_at=a.starts_at, speaker=a.speaker, moderator=a.moderator
            )
            for a in meeting.agenda_items.all()
        )
        removed = tuple(
            SessionInfo(
                title=r["title"],
                starts_at=datetime.fromisoformat(r["starts_at"]),
                ends_at=datetime.fromisoformat(r["ends_at"]),
                uid=r["uid"],
                sequence=r["sequence"],
            )
            for r in meeting.removed_sessions or ()
        )
        return cls(
            pk=meeting.pk,
            uid=meeting.uid,
            sequence=meeting.sequence,
            title=meeting.title,
            description=meeting.description,
            host_agency=meeting.host_agency.name,
            letter_number=meeting.letter_number,
            mode=meeting.mode,
            venue=meeting.venue,
            address=meeting.address,
            online_url=meeting.online_url,
            time_zone=meeting.time_zone,
            answer_deadline=meeting.answer_deadline,
            sessions=sessions,
            agenda=agenda,
            removed=removed,
        )

    @property
    def starts_at(self) -> datetime:
        return min(s.starts_at for s in self._require_sessions())

    @property
    def ends_at(self) -> datetime:
        return max(s.ends_at for s in self._require_sessions())

    @property
    def online_link(self) -> str:
        """The online link, for online and hybrid meetings only."""
        return self.online_url if self.mode in ONLINE_MODES else ""

    @property
    def place(self) -> str:
        """Venue and address on one line."""
        return ", ".join(filter(None, [self.venue, _one_line(self.address)]))

    @property
    def location(self) -> str:
        """The place, then the online link for online and hybrid meetings."""
        return " · ".join(filter(None, [self.place, self.online_link]))

    def changed_since(self, sequence: int | None) -> tuple[SessionInfo, ...]:
        """The sessions that changed after `sequence` (all of them for None: never told)."""
        if sequence is None:
            return self.sessions
        return tuple(s for s in self.sessions if s.sequence > sequence)

    def removed_since(self, sequence: int | None) -> tuple[SessionInfo, ...]:
        """The sessions removed after `sequence`, which a calendar told at `sequence` may
        still hold (none for None: a calendar never told holds nothing)."""
        if sequence is None:
            return ()
        return tuple(s for s in self.removed if s.sequence > sequence)

    def _require_sessions(self) -> tuple[SessionInfo, ...]:
        if not self.sessions:
            raise ValueError(f"Meeting {self.uid} has no session to put in a calendar.")
        return self.sessions


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
    """The file: the session's event (its shared properties made once per snapshot, status and
    language) with this message's own, in a calendar with the VTIMEZONE it needs."""
    if not invitations:
        raise ValueError("An iTIP request or cancel names at least one attendee.")
    event = Event(_shared_event(snapshot, session, status))
    event.DTSTAMP = stamp or datetime.now(UTC)
    event.sequence = snapshot.sequence if sequence is None else sequence
    event.description = _description(snapshot, answer_url=answer_url)
    event.attendees = [attendee(invitation) for invitation in invitations]
    calendar = Calendar.new(prodid=PRODID, method=method, subcomponents=[event])
    # Calendar.new gives the VCALENDAR a random RFC 7986 UID; iTIP has no use for one and a
    # value that changes on every build only makes copies of the same file differ.
    del calendar["UID"]
    # UTC and its aliases are written with "Z" and need none (RFC 5545 §3.3.5).
    if calendar.get_missing_tzids():
        calendar.subcomponents.insert(0, _vtimezone(snapshot))
    return calendar.to_ical()


def _shared_event(snapshot: MeetingSnapshot, session: SessionInfo, status: str | None) -> Event:
    """The properties of the session's event that every recipient's file shares, built once
    per snapshot, status and language; each file copies them (the values are never changed)."""
    key = ("event", session.uid, status, get_language(), settings.CALENDAR_ORGANIZER_EMAIL)
    if key not in snapshot.cache:
        start, end = _moment(snapshot, session.starts_at), _moment(snapshot, session.ends_at)
        event = Event.new(
            uid=session.uid,
            start=start,
            end=end,
            summary=event_summary(snapshot, session),
            location=snapshot.location or None,
            url=snapshot.online_link or None,
            organizer=organizer(snapshot),
            status=status,
        )
        del event["DTSTAMP"]  # each file's own
        snapshot.cache[key] = event
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
    if invitation.answer == Invitation.Answer.REPRESENTED and invitation.represented_by_id:
        delegated_to = invitation.represented_by.member.email
    return vCalAddress.new(
        member.email,
        cn=display_name(member.full_name) or None,
        cutype="INDIVIDUAL",
        role=ROLE.get(invitation.role, "REQ-PARTICIPANT"),
        partstat=PARTSTAT.get(invitation.answer, "NEEDS-ACTION"),
        rsvp=True,
        delegated_to=delegated_to,
    )


def session_line(session: SessionInfo, zone: str) -> str:
    """ "Kamis, 25 November 2021 · 08.00–16.00 WIB", or both moments when it spans days."""
    tz = ZoneInfo(zone)
    start, end = session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)
    if start.date() != end.date():
        return f"{format_moment(start, zone)} – {format_moment(end, zone)}"
    label = zone_label(zone, session.starts_at)
    return f"{format_day(start, zone)} · {start:%H.%M}–{end:%H.%M} {label}"


def session_lines(snapshot: MeetingSnapshot) -> list[str]:
    """One line per session, its title after the time when the meeting has several."""
    several = len(snapshot.sessions) > 1
    return [
        session_line(s, snapshot.time_zone) + (f" ({s.title})" if several and s.title else "")
        for s in snapshot.sessions
    ]


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


def _one_line(text: str) -> str:
    return ", ".join(part.strip() for part in text.splitlines() if part.strip())
