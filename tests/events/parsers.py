"""Read a calendar file the way calendar clients do: with four parsers that share no code.

icalendar's own `from_ical`, vobject, ics.py and ical.js (Mozilla's parser, used by Thunderbird
and Nextcloud; run by node) each return the same plain `Read` per VEVENT, in the file's order,
so a test can check that every parser sees the same instants, names and parameters. What each
makes of time zones differs, as in real clients: vobject and ical.js read the file's VTIMEZONE
(vobject takes only the first value of a multi-valued RDATE; ical.js ignores an observance's
DTSTART once it has an RDATE); icalendar and ics.py prefer the system's zone files for a TZID
they know (ics.py through dateutil, which reads them only up to 2037).

`read_all(raw)` is for a file with one event: one `Read` per parser. `read_events(raw)` is for
files with several: {parser: [Read per event]}. `read_many(raws)` reads many files at once (one
node process for all of them).
"""

import json
import shutil
import subprocess
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import ics
import vobject

from tests.support.found import moment

PARSERS = ("icalendar", "vobject", "ics", "ical.js")
ICALJS_SCRIPT = Path(__file__).with_name("icaljs_read.mjs")


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
    """The one event of `raw`, as each parser reads it."""
    reads = []
    for parser, events in read_events(raw).items():
        assert len(events) == 1, f"{parser} read {len(events)} events, not one"
        reads.append(events[0])
    return reads


def read_events(raw: bytes) -> dict[str, list[Read]]:
    """Every event of `raw`, in the file's order, as each parser reads it."""
    return read_many([raw])[0]


def read_many(raws: Sequence[bytes]) -> list[dict[str, list[Read]]]:
    icaljs = read_icaljs(raws)
    return [
        {
            "icalendar": read_icalendar(raw),
            "vobject": read_vobject(raw),
            "ics": read_ics(raw),
            "ical.js": events,
        }
        for raw, events in zip(raws, icaljs, strict=True)
    ]


def read_icalendar(raw: bytes) -> list[Read]:
    calendar = icalendar.Calendar.from_ical(raw)
    return [
        Read(
            parser="icalendar",
            method=str(calendar["METHOD"]),
            uid=str(event["UID"]),
            sequence=event.sequence,
            start=moment(event.start).astimezone(UTC),
            end=moment(event.end).astimezone(UTC),
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
        for event in calendar.events
    ]


def read_vobject(raw: bytes) -> list[Read]:
    # vobject keeps the first VTIMEZONE it meets for a TZID, process-wide, and applies it to
    # every later file: forget them, so each file is read as a client meeting it first would.
    getattr(vobject.icalendar, "__tzidMap").clear()
    vobject.icalendar.registerTzid("UTC", vobject.icalendar.utc)
    calendar = vobject.readOne(raw.decode("utf-8"))
    return [_read_vobject_event(calendar, event) for event in calendar.contents.get("vevent", [])]


def _read_vobject_event(calendar, event) -> Read:
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


def read_ics(raw: bytes) -> list[Read]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        calendar = ics.Calendar(raw.decode("utf-8"))
    # ics.py keeps events in a set: put them back in the file's order, by UID.
    order = [str(event["UID"]) for event in icalendar.Calendar.from_ical(raw).events]
    return [
        _read_ics_event(calendar, event)
        for event in sorted(calendar.events, key=lambda event: order.index(event.uid))
    ]


def _read_ics_event(calendar, event) -> Read:
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


def read_icaljs(raws: Sequence[bytes]) -> list[list[Read]]:
    """Every event of each file as ical.js reads it: one node process for all the files."""
    node = shutil.which("node")
    assert node, "node is needed to read calendars with ical.js (make install)"
    result = subprocess.run(
        [node, str(ICALJS_SCRIPT)],
        input=json.dumps([raw.decode("utf-8") for raw in raws]),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return [
        [
            Read(
                parser="ical.js",
                method=event["method"],
                uid=event["uid"],
                sequence=event["sequence"],
                start=_utc(event["start"]),
                end=_utc(event["end"]),
                summary=event["summary"],
                location=event["location"],
                description=event["description"],
                status=event["status"],
                organizer=event["organizer"],
                attendees=[ReadAttendee(**attendee) for attendee in event["attendees"]],
            )
            for event in events
        ]
        for events in json.loads(result.stdout)
    ]


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
