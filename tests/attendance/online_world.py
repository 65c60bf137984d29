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
    return MeetingFactory(sessions__start_hour=9, sessions__end_hour=12, **kwargs)


def invitees(meeting: Meeting) -> dict[str, Invitation]:
    kemenag = AgencyFactory(name="Kementerian Agama", acronym="Kemenag")
    kominfo = AgencyFactory(name="Kementerian Komunikasi dan Informatika", acronym="Kominfo")
    people = {
        "budi": ("Budi Santoso", "budi.santoso@kemenag.go.id", "", kemenag),
        "siti": ("Siti Aminah", "siti.aminah@kemenag.go.id", "", kemenag),
        "joko": ("Joko Susilo", "joko@kominfo.go.id", "198703122010011002", kominfo),
        "rina_kemenag": ("Rina Wati", "rina@kemenag.go.id", "", kemenag),
        "rina_kominfo": ("Rina Wati", "rina.wati@kominfo.go.id", "", kominfo),
        "dewi": ("Dewi Lestari", "dewi.lestari@kominfo.go.id", "", kominfo),
    }
    return {
        key: AcceptedInvitationFactory(
            meeting=meeting,
            member=MemberFactory(full_name=name, email=email, nip=nip, agency=agency),
        )
        for key, (name, email, nip, agency) in people.items()
    }
