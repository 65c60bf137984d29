"""The hybrid meeting the online-attendance tests share: one session on 25 November 2021,
09.00–12.00 WIB (threshold: 90 minutes), and the invitees the fixture reports name
(tests/attendance/fixtures/online/: the same people as Zoom, Meet and Teams export them)."""

from pathlib import Path

from events.models import Invitation, Meeting
from tests.attendance.factories import AcceptedInvitationFactory
from tests.events.factories import MeetingFactory
from tests.members.factories import AgencyFactory, MemberFactory

FIXTURES = Path(__file__).parent / "fixtures" / "online"


def report(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def hybrid_meeting(**kwargs) -> Meeting:
    kwargs.setdefault("mode", Meeting.Mode.HYBRID)
    kwargs.setdefault("online_url", "https://zoom.us/j/87654321098?pwd=abc")
    return MeetingFactory.create(sessions__start_hour=9, sessions__end_hour=12, **kwargs)


def invitees(meeting: Meeting) -> dict[str, Invitation]:
    kemenag = AgencyFactory.create(name="Kementerian Agama", acronym="Kemenag")
    kominfo = AgencyFactory.create(name="Kementerian Komunikasi dan Informatika", acronym="Kominfo")
    people = {
        "budi": ("Budi Santoso", "budi.santoso@kemenag.go.id", "", kemenag),
        "siti": ("Siti Aminah", "siti.aminah@kemenag.go.id", "", kemenag),
        "joko": ("Joko Susilo", "joko@kominfo.go.id", "198703122010011002", kominfo),
        "rina_kemenag": ("Rina Wati", "rina@kemenag.go.id", "", kemenag),
        "rina_kominfo": ("Rina Wati", "rina.wati@kominfo.go.id", "", kominfo),
        "dewi": ("Dewi Lestari", "dewi.lestari@kominfo.go.id", "", kominfo),
    }
    return {
        key: AcceptedInvitationFactory.create(
            meeting=meeting,
            member=MemberFactory.create(full_name=name, email=email, nip=nip, agency=agency),
        )
        for key, (name, email, nip, agency) in people.items()
    }


# --- A large report, for the benchmark (bench/online_import.py) and the query-count test -----

FIRST = ["Siti", "Budi", "Dewi", "Agus", "Rina", "Joko", "Wulan", "Andi", "Sri", "Hendra"]
MIDDLE = ["Nur", "Adi", "Putri", "Eka", "Dwi", "Tri", "Ayu", "Bayu", "Indah", "Fajar"]
LAST = ["Santoso", "Lestari", "Hidayat", "Wibowo", "Saputra", "Rahayu", "Siregar", "Nasution"]


def many_invitees(meeting: Meeting, count: int) -> list[tuple[str, str]]:
    """`count` accepted invitations to `meeting` (bulk), their people from 10 agencies; their
    (name, email) in order."""
    from members.models import Agency, Member

    agencies = [
        Agency.objects.get_or_create(name=f"Instansi Contoh {n}", defaults={"acronym": f"IC{n}"})[0]
        for n in range(10)
    ]
    people = []
    for n in range(count):
        name = f"{FIRST[n % 10]} {MIDDLE[n // 10 % 10]} {LAST[n // 100 % 8]} {n:04d}"
        people.append((name, f"peserta{n:04d}.{meeting.pk}@instansi{n % 10}.go.id"))
    members = Member.objects.bulk_create(
        Member(full_name=name, email=email, agency=agencies[n % 10])
        for n, (name, email) in enumerate(people)
    )
    Invitation.objects.bulk_create(
        Invitation(meeting=meeting, member=member, answer=Invitation.Answer.YES)
        for member in members
    )
    return people


def zoom_report(people: list[tuple[str, str]], *, rows: int, day: str = "11/25/2021") -> bytes:
    """A Zoom participants report of exactly `rows` rows: 56 % of `rows` people of `people`
    join (every fifth without their email, as "Dr. <name>, M.Si."), most of the rest of the
    rows are rejoins after a dropped connection, and one row in 25 is a guest nobody invited."""
    guests = rows // 25
    attending = people[: int(rows * 0.56)]
    rejoins = rows - guests - len(attending)
    lines = ["Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest"]

    def row(name, email, start, end):
        minutes = (end[0] * 60 + end[1]) - (start[0] * 60 + start[1])
        lines.append(
            f'"{name}",{email},{day} {_clock(start)},{day} {_clock(end)},{minutes},'
            f"{'No' if email else 'Yes'}"
        )

    for n, (name, email) in enumerate(attending):
        shown, shown_email = (f"Dr. {name}, M.Si.", "") if n % 5 == 0 else (name, email)
        if n < rejoins:
            row(shown, shown_email, (9, n % 20), (10, 10))
            row(shown, shown_email, (10, 15), (11, 50 - n % 30))
        else:
            row(shown, shown_email, (9, n % 30), (11, 30 + n % 25))
    for n in range(guests):
        row(f"Tamu {n}", f"tamu{n}@contoh.org", (9, 30), (10, 0))
    assert len(lines) - 1 == rows, (len(lines) - 1, rows)
    return ("\n".join(lines) + "\n").encode()


def _clock(at: tuple[int, int]) -> str:
    hour, minute = at
    return f"{(hour - 1) % 12 + 1:02d}:{minute:02d}:00 {'AM' if hour < 12 else 'PM'}"
