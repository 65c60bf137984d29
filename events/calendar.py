"""The calendar file of a meeting (iCalendar, RFC 5545) as iTIP (RFC 5546) sends it.

Builders only: they read a meeting and its invitations and return bytes; deciding who gets what,
and bumping SEQUENCE, is the services' business. One VEVENT per meeting, however many sessions:
DTSTART is the first session's start, DTEND the last one's end, and the DESCRIPTION lists each
session. Every property goes through icalendar, which escapes text, quotes parameters (RFC 6868
for DQUOTE) and folds lines at 75 octets.

A fan-out builds one file per invitee: build a `MeetingSnapshot` once and pass it as `meeting`,
so the sessions, agenda and VTIMEZONE are read and built once per meeting, not per message.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Component, Event, Timezone, vCalAddress
from icalendar.parser.string import _foldline

from core.dates import format_day, format_moment, zone_label

from .models import Invitation, Meeting

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
    title: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class AgendaInfo:
    title: str
    starts_at: datetime | None
    speaker: str
    moderator: str


@dataclass
class MeetingSnapshot:
    """What every message about one meeting shares, read once (three queries at most).

    `cache` keeps what the mail builders render once per language (agenda, session lines); a
    snapshot describes the meeting as it was when taken, so take a new one after a change.
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
    cache: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, meeting: Meeting | MeetingSnapshot) -> MeetingSnapshot:
        if isinstance(meeting, MeetingSnapshot):
            return meeting
        sessions = tuple(
            SessionInfo(title=s.title, starts_at=s.starts_at, ends_at=s.ends_at)
            for s in sorted(meeting.sessions.all(), key=lambda s: (s.starts_at, s.pk or 0))
        )
        agenda = tuple(
            AgendaInfo(
                title=a.title, starts_at=a.starts_at, speaker=a.speaker, moderator=a.moderator
            )
            for a in meeting.agenda_items.all()
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

    def _require_sessions(self) -> tuple[SessionInfo, ...]:
        if not self.sessions:
            raise ValueError(f"Meeting {self.uid} has no session to put in a calendar.")
        return self.sessions


def build_request(
    *,
    meeting: Meeting | MeetingSnapshot,
    invitations: Sequence[Invitation],
    answer_url: str = "",
    stamp: datetime | None = None,
) -> bytes:
    """METHOD:REQUEST (RFC 5546 §3.2.2): the invitation and every later update of it.

    Same UID for the life of the meeting; SEQUENCE is the meeting's (the caller bumps it on a
    change of time or place, §2.1.4); STATUS:CONFIRMED. One ATTENDEE per invitation, with its
    current PARTSTAT and RSVP=TRUE. The DESCRIPTION carries `answer_url` when given.
    """
    return _build(
        snapshot=MeetingSnapshot.of(meeting),
        invitations=invitations,
        method="REQUEST",
        status="CONFIRMED",
        answer_url=answer_url,
        stamp=stamp,
    )


def build_cancel(
    *,
    meeting: Meeting | MeetingSnapshot,
    invitations: Sequence[Invitation],
    whole_meeting: bool,
    stamp: datetime | None = None,
) -> bytes:
    """METHOD:CANCEL (RFC 5546 §3.2.5), same UID, the (already bumped) SEQUENCE.

    `whole_meeting=True` cancels the event for everyone: STATUS:CANCELLED. `False` withdraws
    the given attendees only: the file names just them and MUST NOT carry STATUS:CANCELLED.
    """
    return _build(
        snapshot=MeetingSnapshot.of(meeting),
        invitations=invitations,
        method="CANCEL",
        status="CANCELLED" if whole_meeting else None,
        answer_url="",
        stamp=stamp,
    )


def _build(
    *,
    snapshot: MeetingSnapshot,
    invitations: Sequence[Invitation],
    method: str,
    status: str | None,
    answer_url: str,
    stamp: datetime | None,
) -> bytes:
    """The shared part of the file (built once per snapshot, method and language) with the
    recipient's properties spliced into the VEVENT. Each content line, shared or personal, is
    written by icalendar; RFC 5545 §3.6 leaves the order of properties in a component free."""
    if not invitations:
        raise ValueError("An iTIP request or cancel names at least one attendee.")
    head, tail = _shared_part(snapshot, method=method, status=status)
    personal = Event()
    personal.DTSTAMP = stamp or datetime.now(UTC)
    personal.description = _description(snapshot, answer_url=answer_url)
    personal.attendees = [attendee(invitation) for invitation in invitations]
    lines = _to_ical(personal).removeprefix(b"BEGIN:VEVENT\r\n").removesuffix(b"END:VEVENT\r\n")
    return head + lines + tail


def _to_ical(component: Component) -> bytes:
    """component.to_ical(), each content line folded by _fold: the same bytes, faster."""
    return b"".join(_fold(line) + b"\r\n" for line in component.content_lines() if line)


def _fold(line: str) -> bytes:
    """icalendar's _foldline, encoded: at most 74 octets a line (75 with the continuation's
    space), never splitting a character, and an escape's backslash or caret moved to the next
    line rather than parted from what it escapes. _foldline encodes each character to count
    its octets; here the cut is found in the encoded line, backing off UTF-8 continuation
    bytes (0b10xxxxxx)."""
    if "\n" in line:
        return _foldline(line).encode("utf-8")  # which refuses it
    encoded = line.encode("utf-8")
    chunks = []
    start = 0
    while len(encoded) - start > 74:
        end = start + 74
        while encoded[end] & 0xC0 == 0x80:
            end -= 1
        if encoded[end - 1] in b"\\^":
            end -= 1
        chunks.append(encoded[start:end])
        start = end
    chunks.append(encoded[start:])
    return b"\r\n ".join(chunks)


def _shared_part(
    snapshot: MeetingSnapshot, *, method: str, status: str | None
) -> tuple[bytes, bytes]:
    """The calendar up to the VEVENT's personal properties, and what follows them."""
    key = ("ical", method, status, get_language(), settings.CALENDAR_ORGANIZER_EMAIL)
    if key in snapshot.cache:
        return snapshot.cache[key]
    zone = ZoneInfo(snapshot.time_zone)
    start, end = snapshot.starts_at.astimezone(zone), snapshot.ends_at.astimezone(zone)
    calendar = Calendar.new(prodid=PRODID, method=method)
    # Calendar.new gives the VCALENDAR a random RFC 7986 UID; iTIP has no use for one and a
    # value that changes on every build only makes copies of the same file differ.
    del calendar["UID"]
    event = Event.new(
        uid=snapshot.uid,
        start=start,
        end=end,
        summary=snapshot.title,
        location=snapshot.location or None,
        url=snapshot.online_link or None,
        organizer=organizer(snapshot),
        status=status,
    )
    del event["DTSTAMP"]  # personal: written with each file
    event.sequence = snapshot.sequence
    calendar.add_component(event)
    # What Calendar.add_missing_timezones does, with each VTIMEZONE built once (see below).
    # UTC and its aliases are written with "Z" and need none (RFC 5545 §3.3.5).
    for tzid in calendar.get_missing_tzids():
        vtimezone = vtimezone_for(tzid, first_year=start.year, last_year=end.year + 1)
        if vtimezone is None:  # a zone icalendar cannot describe: write the instants in UTC
            event.start, event.end = start.astimezone(UTC), end.astimezone(UTC)
        else:
            calendar.subcomponents.insert(0, vtimezone)
    head, end_event, tail = calendar.to_ical().rpartition(b"END:VEVENT\r\n")
    snapshot.cache[key] = (head, end_event + tail)
    return snapshot.cache[key]


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


def display_name(name: str) -> str:
    """A name on one line: control characters (CR, LF, TAB…) become spaces, runs collapse.

    A person's name never holds a line break; one that does is bad data, and passing it on
    would only make mail headers and calendar parameters harder to read, never more correct.
    """
    cleaned = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in name)
    return " ".join(cleaned.split())


@lru_cache(maxsize=256)
def vtimezone_for(zone: str, *, first_year: int, last_year: int) -> Timezone | None:
    """The VTIMEZONE for `zone` through the years `first_year`–`last_year`, built once and
    shared (the component is never changed after this); None if icalendar cannot describe it.

    `Calendar.add_missing_timezones` builds 1970–2038 on every call: milliseconds, and
    kilobytes of RDATEs in every file. Starting on 1 January of the meeting's year also keeps
    the meeting's own transitions in each subcomponent's DTSTART, where readers that take
    only the first value of a multi-valued RDATE (vobject) still find them.
    """
    try:
        return Timezone.from_tzid(
            zone, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
        )
    except ValueError:
        return None


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
