"""Read a calendar file the way calendar clients do: with three parsers that share no code.

icalendar's own `from_ical`, vobject and ics.py each return the same plain `Read`, so a test can
check that every parser sees the same instants, names and parameters. What each makes of time
zones differs, as in real clients: icalendar and vobject read the file's VTIMEZONE (vobject
takes only the first value of a multi-valued RDATE); ics.py prefers the system's zone files for
a TZID it knows (through dateutil, which reads them only up to 2037).
"""

import warnings
from dataclasses import dataclass
from datetime import UTC, datetime

import icalendar
import ics
import vobject


@dataclass
class ReadAttendee:
    email: str
    cn: str
    partstat: str
    role: str
    rsvp: str


@dataclass
class Read:
    parser: str
    method: str
    uid: str
    sequence: int
    start: datetime  # in UTC
    end: datetime  # in UTC
    summary: str
    location: str
    description: str
    status: str
    organizer: str
    attendees: list[ReadAttendee]


def read_all(raw: bytes) -> list[Read]:
    return [read_icalendar(raw), read_vobject(raw), read_ics(raw)]


def read_icalendar(raw: bytes) -> Read:
    calendar = icalendar.Calendar.from_ical(raw)
    [event] = calendar.events
    return Read(
        parser="icalendar",
        method=str(calendar["METHOD"]),
        uid=str(event["UID"]),
        sequence=event.sequence,
        start=event.start.astimezone(UTC),
        end=event.end.astimezone(UTC),
        summary=str(event.get("SUMMARY", "")),
        location=str(event.get("LOCATION", "")),
        description=str(event.get("DESCRIPTION", "")),
        status=str(event.get("STATUS", "")),
        organizer=str(event["ORGANIZER"]),
        attendees=[
            ReadAttendee(
                email=str(a),
                cn=a.params.get("CN", ""),
                partstat=a.params.get("PARTSTAT", ""),
                role=a.params.get("ROLE", ""),
                rsvp=a.params.get("RSVP", ""),
            )
            for a in event.attendees
        ],
    )


def read_vobject(raw: bytes) -> Read:
    # vobject keeps the first VTIMEZONE it meets for a TZID, process-wide, and applies it to
    # every later file: forget them, so each file is read as a client meeting it first would.
    getattr(vobject.icalendar, "__tzidMap").clear()
    vobject.icalendar.registerTzid("UTC", vobject.icalendar.utc)
    calendar = vobject.readOne(raw.decode("utf-8"))
    [event] = calendar.vevent_list
    contents = event.contents

    def text(name):
        return contents[name][0].value if name in contents else ""

    def param(line, name):
        return line.params.get(name, [""])[0]

    return Read(
        parser="vobject",
        method=calendar.method.value,
        uid=text("uid"),
        sequence=int(text("sequence") or 0),
        start=event.dtstart.value.astimezone(UTC),
        end=event.dtend.value.astimezone(UTC),
        summary=text("summary"),
        location=text("location"),
        description=text("description"),
        status=text("status"),
        organizer=text("organizer"),
        attendees=[
            ReadAttendee(
                email=a.value,
                cn=param(a, "CN"),
                partstat=param(a, "PARTSTAT"),
                role=param(a, "ROLE"),
                rsvp=param(a, "RSVP"),
            )
            for a in contents.get("attendee", [])
        ],
    )


def read_ics(raw: bytes) -> Read:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        calendar = ics.Calendar(raw.decode("utf-8"))
    [event] = list(calendar.events)
    extra = {line.name: line.value for line in event.extra}
    return Read(
        parser="ics",
        method=calendar.method or "",
        uid=event.uid,
        sequence=int(extra.get("SEQUENCE", 0)),
        start=event.begin.to("UTC").datetime,
        end=event.end.to("UTC").datetime,
        summary=event.name or "",
        location=event.location or "",
        description=event.description or "",
        status=event.status or "",
        organizer=f"mailto:{event.organizer.email}" if event.organizer else "",
        attendees=[
            ReadAttendee(
                email=f"mailto:{a.email}",
                cn=a.common_name,
                partstat=a.partstat or "",
                role=a.role or "",
                rsvp=str(a.rsvp).upper() if a.rsvp is not None else "",
            )
            for a in sorted(event.attendees, key=lambda a: a.email)
        ],
    )
