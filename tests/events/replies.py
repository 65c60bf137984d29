"""Calendar replies (METHOD:REPLY) as real clients mail them, built byte by byte for the tests.

The shapes follow what each client sends when a member presses Accept, Decline or Maybe:

- Gmail: multipart/mixed ⊃ multipart/alternative (text/plain, text/html,
  `text/calendar; method=REPLY; charset=UTF-8` in base64) plus the same file as an
  `invite.ics` attachment (application/ics); ATTENDEE with CUTYPE, ROLE, CN, X-NUM-GUESTS and a
  lowercase `mailto:`; times in UTC.
- Outlook / Exchange: multipart/alternative (text/plain, text/html, `text/calendar;
  charset="utf-8"; method=REPLY`, base64 or quoted-printable); ATTENDEE with just PARTSTAT and
  CN and an uppercase `MAILTO:`, often in another case than it was invited with; a VTIMEZONE
  with a Windows name (SE Asia Standard Time); COMMENT with the member's note; the
  X-MICROSOFT-CDO-* lines.
- Apple Calendar: the whole message is `text/calendar; method=REPLY` (quoted-printable), with an
  Olson TZID and its VTIMEZONE.

Every builder returns the message's bytes, as a mailbox would hand them over.
"""

import base64
import quopri
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

CRLF = "\r\n"


@dataclass
class Reply:
    """What a member's client says: who, which event (UID, SEQUENCE), what, and when."""

    uid: str
    attendee: str
    partstat: str = "ACCEPTED"
    sequence: int | None = 0  # None: the client leaves SEQUENCE out (it then means 0)
    dtstamp: datetime = field(default_factory=lambda: datetime.now(UTC))
    name: str = "Budi Santoso"
    organizer: str = "rakor@kemenag.go.id"
    summary: str = "Koordinasi Pranata Humas Antar K/L"
    message_id: str = ""
    sender: str = ""  # the From address; the attendee's by default
    comment: str = ""

    def __post_init__(self):
        self.message_id = self.message_id or f"<{uuid.uuid4().hex}@mail.client.example>"
        self.sender = self.sender or self.attendee


def gmail_reply(reply: Reply) -> bytes:
    ics = _calendar(
        [
            "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
            "VERSION:2.0",
            "CALSCALE:GREGORIAN",
            "METHOD:REPLY",
        ],
        [
            "DTSTART:20211125T010000Z",
            "DTEND:20211125T090000Z",
            f"DTSTAMP:{_utc(reply.dtstamp)}",
            f"ORGANIZER;CN=Sekretariat Balitbang Diklat:mailto:{reply.organizer}",
            f"UID:{reply.uid}",
            "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;"
            f"PARTSTAT={reply.partstat};CN={reply.name};X-NUM-GUESTS=0:mailto:{reply.attendee}",
            *([f"COMMENT:{reply.comment}"] if reply.comment else []),
            "CREATED:20211110T020000Z",
            "DESCRIPTION:Penyusunan pedoman pelatihan dan kurikulum pranata humas.",
            "LAST-MODIFIED:" + _utc(reply.dtstamp),
            "LOCATION:Aula Gedung Kementerian Agama\\, Jakarta",
            *_sequence(reply),
            "STATUS:CONFIRMED",
            f"SUMMARY:{reply.summary}",
            "TRANSP:OPAQUE",
        ],
    )
    verb = {"ACCEPTED": "Accepted", "DECLINED": "Declined", "TENTATIVE": "Tentatively Accepted"}
    subject = f"{verb.get(reply.partstat, 'Reply')}: {reply.summary} @ Thu Nov 25, 2021 8am - 4pm"
    text = f"{reply.name} has accepted this invitation.\r\n\r\nInvitation from Google Calendar"
    html = f"<p>{reply.name} has accepted this invitation.</p>"
    alternative = _multipart(
        "alternative",
        "000000000000a1b2c3",
        [
            _leaf('text/plain; charset="UTF-8"; format=flowed; delsp=yes', text, "base64"),
            _leaf('text/html; charset="UTF-8"', html, "quoted-printable"),
            _leaf('text/calendar; charset="UTF-8"; method=REPLY', ics, "base64"),
        ],
    )
    attachment = _leaf(
        'application/ics; name="invite.ics"',
        ics,
        "base64",
        extra=['Content-Disposition: attachment; filename="invite.ics"'],
    )
    body = _multipart("mixed", "000000000000d4e5f6", [alternative, attachment])
    return _message(reply, subject, body, extra=["X-Mailer: Google Calendar"])


def outlook_reply(reply: Reply, *, encoding: str = "base64") -> bytes:
    verb = {"ACCEPTED": "Accepted", "DECLINED": "Declined", "TENTATIVE": "Tentative"}
    summary = f"{verb.get(reply.partstat, 'Reply')}: {reply.summary}"
    ics = _calendar(
        ["METHOD:REPLY", "PRODID:Microsoft Exchange Server 2010", "VERSION:2.0"],
        [
            f"ATTENDEE;PARTSTAT={reply.partstat};CN={reply.name}:MAILTO:{reply.attendee}",
            *([f"COMMENT;LANGUAGE=id-ID:{reply.comment}"] if reply.comment else []),
            f"SUMMARY;LANGUAGE=id-ID:{summary}",
            "DTSTART;TZID=SE Asia Standard Time:20211125T080000",
            "DTEND;TZID=SE Asia Standard Time:20211125T160000",
            f"UID:{reply.uid}",
            "CLASS:PUBLIC",
            "PRIORITY:5",
            f"DTSTAMP:{_utc(reply.dtstamp)}",
            "TRANSP:OPAQUE",
            "STATUS:CONFIRMED",
            *_sequence(reply),
            "LOCATION;LANGUAGE=id-ID:Aula Gedung Kementerian Agama",
            f"X-MICROSOFT-CDO-APPT-SEQUENCE:{reply.sequence or 0}",
            "X-MICROSOFT-CDO-OWNERAPPTID:-1893443012",
            f"X-MICROSOFT-CDO-REPLYTIME:{_utc(reply.dtstamp)}",
            "X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
            "X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY",
            "X-MICROSOFT-CDO-ALLDAYEVENT:FALSE",
            "X-MICROSOFT-CDO-IMPORTANCE:1",
            "X-MICROSOFT-CDO-INSTTYPE:0",
            "X-MICROSOFT-DONOTFORWARDMEETING:FALSE",
            "X-MICROSOFT-DISALLOW-COUNTER:FALSE",
        ],
        timezone=[
            "BEGIN:VTIMEZONE",
            "TZID:SE Asia Standard Time",
            "BEGIN:STANDARD",
            "DTSTART:16010101T000000",
            "TZOFFSETFROM:+0700",
            "TZOFFSETTO:+0700",
            "END:STANDARD",
            "BEGIN:DAYLIGHT",
            "DTSTART:16010101T000000",
            "TZOFFSETFROM:+0700",
            "TZOFFSETTO:+0700",
            "END:DAYLIGHT",
            "END:VTIMEZONE",
        ],
    )
    text = reply.comment or ""
    body = _multipart(
        "alternative",
        "_000_SG2PR01MB1234ABCDapcprd01prodexchangelabscom_",
        [
            _leaf('text/plain; charset="utf-8"', text, encoding),
            _leaf('text/html; charset="utf-8"', f"<html><body>{text}</body></html>", encoding),
            _leaf('text/calendar; charset="utf-8"; method=REPLY', ics, encoding),
        ],
    )
    return _message(
        reply,
        summary,
        body,
        extra=[
            f"Thread-Topic: {reply.summary}",
            "Thread-Index: AdfdxYZ1234567890abcdef==",
            "Accept-Language: id-ID, en-US",
            "Content-Language: id-ID",
            "X-MS-Has-Attach:",
            "X-MS-TNEF-Correlator:",
        ],
    )


def apple_reply(reply: Reply) -> bytes:
    ics = _calendar(
        ["METHOD:REPLY", "VERSION:2.0", "PRODID:-//Apple Inc.//iPhone OS 15.1//EN"],
        [
            f'ATTENDEE;CN="{reply.name}";CUTYPE=INDIVIDUAL;EMAIL="{reply.attendee}";'
            f"PARTSTAT={reply.partstat}:mailto:{reply.attendee}",
            "DTEND;TZID=Asia/Jakarta:20211125T160000",
            f"DTSTAMP:{_utc(reply.dtstamp)}",
            "DTSTART;TZID=Asia/Jakarta:20211125T080000",
            f"ORGANIZER;CN=Sekretariat:mailto:{reply.organizer}",
            "REQUEST-STATUS:2.0;Success",
            *_sequence(reply),
            f"SUMMARY:{reply.summary}",
            f"UID:{reply.uid}",
        ],
        timezone=[
            "BEGIN:VTIMEZONE",
            "TZID:Asia/Jakarta",
            "X-LIC-LOCATION:Asia/Jakarta",
            "BEGIN:STANDARD",
            "DTSTART:19640101T000000",
            "TZNAME:WIB",
            "TZOFFSETFROM:+0730",
            "TZOFFSETTO:+0700",
            "END:STANDARD",
            "END:VTIMEZONE",
        ],
    )
    headers = [
        'Content-Type: text/calendar; method=REPLY; charset="utf-8"',
        "Content-Transfer-Encoding: quoted-printable",
        'Content-Disposition: inline; filename="iCal-20211120-031500.ics"',
    ]
    body = CRLF.join(headers) + CRLF + CRLF + _encode(ics, "quoted-printable")
    return _message(reply, f"Invitation: {reply.summary}", body, extra=["X-Mailer: iPhone Mail"])


def plain_email(*, sender: str, message_id: str, text: str = "Saya hadir, terima kasih.") -> bytes:
    """A person answering the invitation by writing back, with no calendar part."""
    body = _leaf('text/plain; charset="utf-8"', text, "quoted-printable")
    reply = Reply(uid="-", attendee=sender, message_id=message_id)
    return _message(reply, "Re: Undangan Koordinasi Pranata Humas", body)


# --- Bytes ---------------------------------------------------------------------------------


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _sequence(reply: Reply) -> list[str]:
    return [] if reply.sequence is None else [f"SEQUENCE:{reply.sequence}"]


def _calendar(head: list[str], event: list[str], *, timezone: Sequence[str] = ()) -> str:
    lines = ["BEGIN:VCALENDAR", *head, *timezone, "BEGIN:VEVENT", *event]
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(_fold(line) + CRLF for line in lines)


def _fold(line: str) -> str:
    """RFC 5545 §3.1: at most 75 octets a line, continued after CRLF and a space."""
    pieces: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not pieces else 74
        if len((current + char).encode()) > limit:
            pieces.append(current)
            current = ""
        current += char
    pieces.append(current)
    return (CRLF + " ").join(pieces)


def _encode(text: str, encoding: str) -> str:
    data = text.encode("utf-8")
    if encoding == "base64":
        encoded = base64.encodebytes(data).decode("ascii")
    else:
        encoded = quopri.encodestring(data).decode("ascii")
    return encoded.replace("\r\n", "\n").replace("\n", CRLF)


def _leaf(content_type: str, text: str, encoding: str, *, extra: Sequence[str] = ()) -> str:
    headers = [f"Content-Type: {content_type}", f"Content-Transfer-Encoding: {encoding}", *extra]
    return CRLF.join(headers) + CRLF + CRLF + _encode(text, encoding)


def _multipart(subtype: str, boundary: str, parts: list[str]) -> str:
    out = [f'Content-Type: multipart/{subtype}; boundary="{boundary}"', ""]
    for part in parts:
        out += [f"--{boundary}", part.rstrip(CRLF)]
    out += [f"--{boundary}--", ""]
    return CRLF.join(out)


def _message(reply: Reply, subject: str, body: str, *, extra: Sequence[str] = ()) -> bytes:
    headers = [
        f"From: {reply.name} <{reply.sender}>",
        f"To: {reply.organizer}",
        f"Subject: {subject}",
        "Date: Sat, 20 Nov 2021 10:15:00 +0700",
        f"Message-ID: {reply.message_id}",
        "MIME-Version: 1.0",
        *extra,
    ]
    return (CRLF.join(headers) + CRLF + body).encode("utf-8")
