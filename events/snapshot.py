"""What every message about one meeting shares, read once: its sessions (each a calendar event of
its own), agenda and place, and the lines that describe its sessions in texts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from core.dates import format_day, format_moment, zone_label

from .models import ONLINE_MODES, Meeting


@dataclass(frozen=True)
class SessionInfo:
    """A session as its calendar event shows it. `sequence` is the meeting's SEQUENCE when the
    session last changed for those who hold it (for a removed session: when it was removed)."""

    title: str
    starts_at: datetime
    ends_at: datetime
    uid: str = ""
    sequence: int = 0


class Timed(Protocol):
    """Anything with a start and an end: a SessionInfo, or a Session itself."""

    @property
    def starts_at(self) -> datetime: ...

    @property
    def ends_at(self) -> datetime: ...


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
    host_agency_id: int | None = None
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
            host_agency_id=meeting.host_agency_id,
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


def session_line(session: Timed, zone: str) -> str:
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


def _one_line(text: str) -> str:
    return ", ".join(part.strip() for part in text.splitlines() if part.strip())
