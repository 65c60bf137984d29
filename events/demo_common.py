"""What the demo meetings share (events/demo.py loads them): their titles, time zone, chair and
minute-taker, agenda items, and the surat undangan each issues."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from members.models import User

from .models import Invitation, InvitationLetter, Meeting
from .services import letters
from .services.meeting_data import AgendaItemData

ZONE = "Asia/Jakarta"
Role, Answer = Invitation.Role, Invitation.Answer

PAST_TITLE = "Koordinasi Pranata Humas Antar K/L"
FOLLOW_UP_TITLE = "Tindak Lanjut Koordinasi Pranata Humas Antar K/L: Penyusunan Kurikulum Pelatihan"

CHAIR = "muharam.marzuki@kemenag.go.id"
MINUTE_TAKER = "dewi.anggraini@kemenag.go.id"


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(ZONE))


def agenda_item(
    day: date,
    hour: int,
    minute: int,
    session: int,
    title: str,
    *,
    speaker: str = "",
    moderator: str = "",
) -> AgendaItemData:
    return {
        "title": title,
        "starts_at": local(day, hour, minute),
        "session": session,
        "speaker": speaker,
        "moderator": moderator,
    }


def issue_letter(*, meeting: Meeting, organizer: User, members: dict, dated: date) -> None:
    """The meeting's surat undangan, signed by the Sekretaris and made final through the
    services (so every invitation email sent from now on carries it)."""
    letter = letters.letter_for(meeting=meeting, by=organizer)
    chair, contact = members[CHAIR], members["rina.kusumawati@kemenag.go.id"]
    letters.save_letter(
        meeting=meeting,
        data=letters.LetterData(
            number=meeting.letter_number,
            place="Jakarta",
            letter_date=dated,
            nature=InvitationLetter.Nature.ORDINARY,
            enclosures="",
            subject=letter.subject,
            addressed_to_list=True,
            addressees="",
            addressee_location="Tempat",
            opening=letter.opening,
            closing=letter.closing,
            travel_costs=InvitationLetter.TravelCosts.OWN_AGENCY,
            travel_costs_text="",
            contact_name=contact.full_name,
            contact_phone=contact.phone,
            signatory_position=chair.position,
            signatory_name=chair.full_name,
            signatory_nip=chair.nip,
            carbon_copies="Kepala Badan Penelitian dan Pengembangan dan Pendidikan dan Pelatihan",
        ),
        by=organizer,
    )
    letters.finalise_letter(meeting=meeting, by=organizer)
