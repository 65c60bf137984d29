"""A report's rows as people, and who of the invitations each one is.

Rows of one person (they dropped and rejoined, or joined from a phone too) are one participant:
rows with the same email, else the same normalised name. A participant's time is the union of
their intervals, so overlapping stays (two devices) count once.

Matching, first rule that finds someone wins: the email of an invitee; an 18-digit NIP written
in the name ("Budi 198703122010011002"); the name, normalised (case, punctuation and academic
or religious titles such as "Dr.", "Hj.", "S.Kom.", "M.Si." ignored; a Zoom "Name (Original
Name)" tried both ways). One invitation found: matched; several: ambiguous, for the organizer to
choose; none: unknown.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .platforms import Stay

Interval = tuple[datetime, datetime]

# Titles written before a name, and the shapes of degrees written after it.
_PREFIXES = {
    "dr",
    "drs",
    "dra",
    "ir",
    "prof",
    "h",
    "hj",
    "kh",
    "drg",
    "dr(hc)",
    "bapak",
    "bpk",
    "ibu",
    "pak",
    "bu",
    "sdr",
    "sdri",
    "mr",
    "mrs",
    "ms",
    "tn",
    "ny",
    "rm",
    "ust",
    "ustadz",
}
_DEGREE = re.compile(
    r"^(?:[a-z]{1,4}\.){1,4}[a-z]{0,5}\.?$|^(?:mba|mpa|phd|msc|bsc|ma|se|sh|st|mm|mt|ak|cpa|amd)$"
)
_NIP = re.compile(r"(?<!\d)(\d[\d ]{16,26}\d)(?!\d)")


def union(intervals: list[Interval]) -> list[Interval]:
    """Sorted, disjoint intervals covering the same time."""
    merged: list[list[datetime]] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def minutes_of(intervals: list[Interval]) -> int:
    total = sum((end - start for start, end in intervals), timedelta())
    return int(total.total_seconds() // 60)


def normalise(name: str) -> str:
    """The name for comparing: without accents, titles, punctuation and case."""
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c)).casefold()
    name = name.split(",")[0]  # "Budi Santoso, S.Kom., M.Si." writes the degrees after a comma
    words = []
    for word in name.split():
        bare = word.strip(".,;:()[]'\"")
        if not bare or bare in _PREFIXES or (word.count(".") and _DEGREE.match(word.strip(",;"))):
            continue
        if bare.isdigit():
            continue
        words.append(re.sub(r"[^\w]", "", bare))
    return " ".join(w for w in words if w)


def name_variants(name: str) -> list[str]:
    """What a displayed name may stand for: the name, the one in brackets (Zoom's "Name
    (Original Name)"), and the name before a dash or bar ("Budi - Kemenag")."""
    raw = [name]
    bracket = re.search(r"\(([^()]*)\)", name)
    if bracket:
        raw += [name[: bracket.start()], bracket.group(1)]
    for text in list(raw):
        for separator in (" - ", " | ", " _ ", "_"):
            if separator in text:
                raw.append(text.split(separator)[0])
    variants = []
    for text in raw:
        normal = normalise(text)
        if normal and normal not in variants:
            variants.append(normal)
    return variants


def nip_in(name: str) -> str:
    for match in _NIP.finditer(name):
        digits = match.group(1).replace(" ", "")
        if len(digits) == 18:
            return digits
    return ""


@dataclass
class Participant:
    """The rows of one person in a report."""

    key: str  # stable between readings of the same file: choices in the preview refer to it
    name: str
    email: str
    nip: str
    intervals: list[Interval] = field(default_factory=list)
    rows: int = 0

    @property
    def minutes(self) -> int:
        return minutes_of(self.intervals)

    @property
    def first_join(self) -> datetime:
        return self.intervals[0][0]


def participants(stays: list[Stay]) -> list[Participant]:
    """The report's people, in the order they first appear."""
    by_identity: dict[str, Participant] = {}
    for stay in stays:
        variants = name_variants(stay.name)
        identity = stay.email or (variants[0] if variants else stay.name.casefold())
        participant = by_identity.get(identity)
        if participant is None:
            key = hashlib.sha256(identity.encode()).hexdigest()[:16]
            participant = by_identity[identity] = Participant(
                key=key, name=stay.name, email=stay.email, nip=nip_in(stay.name)
            )
        participant.intervals.append((stay.start, stay.end))
        participant.rows += 1
    for participant in by_identity.values():
        participant.intervals = union(participant.intervals)
    return list(by_identity.values())


@dataclass
class Invitee:
    """What matching needs of an invitation."""

    invitation_id: int
    name: str
    email: str
    nip: str
    agency: str


class Directory:
    """The meeting's invitations, indexed by email, NIP and normalised name."""

    def __init__(self, invitees: list[Invitee]):
        self.by_id = {i.invitation_id: i for i in invitees}
        self.by_email: dict[str, list[Invitee]] = {}
        self.by_nip: dict[str, list[Invitee]] = {}
        self.by_name: dict[str, list[Invitee]] = {}
        for invitee in invitees:
            if invitee.email:
                self.by_email.setdefault(invitee.email.lower(), []).append(invitee)
            if invitee.nip:
                self.by_nip.setdefault(invitee.nip, []).append(invitee)
            for variant in {normalise(invitee.name)}:
                if variant:
                    self.by_name.setdefault(variant, []).append(invitee)

    def candidates(self, participant: Participant) -> list[Invitee]:
        """The invitations this participant may be: one (matched), several (ambiguous), none."""
        if participant.email and participant.email in self.by_email:
            return self.by_email[participant.email]
        if participant.nip and participant.nip in self.by_nip:
            return self.by_nip[participant.nip]
        found: dict[int, Invitee] = {}
        for variant in name_variants(participant.name):
            for invitee in self.by_name.get(variant, ()):
                found[invitee.invitation_id] = invitee
            if found:
                break
        return list(found.values())
