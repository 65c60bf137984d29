"""What the surat undangan prints, shared by its PDF (pdf.py) and DOCX (docx.py).

The parts follow the pedoman umum tata naskah dinas (Peraturan ANRI 5/2021) for a surat
undangan: the kop of the host agency; nomor, sifat, lampiran and hal on the left with the place
and date on the right; "Yth." and the addressees (by position, or the attached list of
invitees); the body (opening paragraph; day and date, time with WIB/WITA/WIT, place, the online
link of a hybrid or online meeting and the agenda; who bears the travel costs; the contact
person; closing paragraph); the signatory (position, name, NIP) and the copies (tembusan); then
the list of invitees as the lampiran. A ralat says which letter it corrects and what changed.

Build it inside translation.override("id"): the letter is Indonesian by nature.
"""

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.dates import format_day, zone_label
from members.letterhead import letterhead_for
from members.selectors import top_agencies

from ..models import Invitation, InvitationLetter, Meeting


@dataclass(frozen=True)
class Ralat:
    """What a ralat corrects: the letter before it (number and date) and what changed."""

    number: str
    letter_date: date
    changes: list[str] = field(default_factory=list)


def long_date(day: date) -> str:
    return date_format(day, "j F Y")


def travel_sentence(letter: InvitationLetter) -> str:
    costs = InvitationLetter.TravelCosts
    if letter.travel_costs == costs.OWN_AGENCY:
        return _(
            "Official travel costs are charged to the budget (DIPA) of each participant's agency."
        )
    if letter.travel_costs == costs.HOST:
        return _(
            "Official travel costs of the participants are charged to the budget (DIPA) of "
            "%(host)s."
        ) % {"host": letter.meeting.host_agency.name}
    if letter.travel_costs == costs.OTHER:
        return " ".join(letter.travel_costs_text.split())
    return ""


def schedule(meeting: Meeting) -> list[dict]:
    """One line per session: its day and date, and its time with the zone."""
    zone = meeting.time_zone
    tz = ZoneInfo(zone)
    sessions = list(meeting.sessions.all())
    several = len(sessions) > 1
    lines = []
    for session in sessions:
        start, end = session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)
        lines.append(
            {
                "title": session.title if several else "",
                "day": format_day(start, zone),
                "time": f"{start:%H.%M}–{end:%H.%M} {zone_label(zone, session.starts_at)}",
            }
        )
    return lines


def agenda(meeting: Meeting) -> list[dict]:
    zone = ZoneInfo(meeting.time_zone)
    return [
        {
            "time": f"{item.starts_at.astimezone(zone):%H.%M}" if item.starts_at else "",
            "title": item.title,
            "speaker": item.speaker,
        }
        for item in meeting.agenda_items.all()
    ]


def invitee_list(meeting: Meeting) -> list[dict]:
    """The lampiran: everyone invited (not withdrawn), grouped by ministry or agency, each with
    position and unit; two queries plus one per level of units."""
    invitations = list(
        Invitation.objects.filter(meeting=meeting, withdrawn_at__isnull=True).select_related(
            "member__agency"
        )
    )
    tops = top_agencies({i.member.agency_id for i in invitations})
    groups: dict[str, list[dict]] = {}
    for invitation in invitations:
        member = invitation.member
        top = tops.get(member.agency_id)
        group = top.name if top else ""
        unit = member.agency.name if top and member.agency_id != top.pk else ""
        groups.setdefault(group, []).append(
            {"name": member.full_name, "position": member.position, "unit": unit}
        )
    ordered, number = [], 0
    for name in sorted(groups, key=str.casefold):
        people = sorted(groups[name], key=lambda p: (p["unit"].casefold(), p["name"].casefold()))
        for person in people:
            number += 1
            person["number"] = number
        ordered.append({"agency": name, "people": people})
    return ordered


def lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def letter_context(*, letter: InvitationLetter, ralat: Ralat | None = None) -> dict:
    meeting = letter.meeting
    natures: dict[str, str] = {
        InvitationLetter.Nature.ORDINARY: pgettext("letter nature", "Ordinary"),
        InvitationLetter.Nature.URGENT: pgettext("letter nature", "Urgent"),
        InvitationLetter.Nature.VERY_URGENT: pgettext("letter nature", "Very urgent"),
        InvitationLetter.Nature.RESTRICTED: pgettext("letter nature", "Restricted"),
    }
    nature = natures[letter.nature]
    enclosures = letter.enclosures or (_("1 (one) sheet") if letter.addressed_to_list else "-")
    subject = letter.subject
    if ralat is not None:
        subject = _("Correction: %(subject)s") % {"subject": subject}
    place = ", ".join(part for part in (meeting.venue, meeting.address.replace("\n", ", ")) if part)
    contact = ""
    if letter.contact_name:
        contact = _("For further information, please contact %(name)s%(phone)s.") % {
            "name": letter.contact_name,
            "phone": f" ({letter.contact_phone})" if letter.contact_phone else "",
        }
    return {
        "letter": letter,
        "meeting": meeting,
        "kop": letterhead_for(meeting.host_agency),
        "number": meeting.letter_number,
        "place_date": f"{letter.place}, {long_date(letter.letter_date)}",
        "date": long_date(letter.letter_date),
        "nature": nature,
        "enclosures": enclosures,
        "subject": subject,
        "addressees": [] if letter.addressed_to_list else lines(letter.addressees),
        "to_list": letter.addressed_to_list,
        "addressee_location": letter.addressee_location,
        "ralat": ralat,
        "ralat_of": (
            {"number": ralat.number, "date": long_date(ralat.letter_date)} if ralat else None
        ),
        "opening": letter.opening,
        "schedule": schedule(meeting),
        "place": place,
        "online_url": meeting.online_url if meeting.mode != Meeting.Mode.IN_PERSON else "",
        "agenda": agenda(meeting),
        "travel": travel_sentence(letter),
        "contact": contact,
        "closing": letter.closing,
        "signatory": {
            "position": letter.signatory_position,
            "name": letter.signatory_name,
            "nip": letter.signatory_nip,
        },
        "copies": lines(letter.carbon_copies),
        "invitees": invitee_list(meeting) if letter.addressed_to_list else [],
    }


def printed_facts(meeting: Meeting) -> dict:
    """The meeting's details a letter prints, to tell whether the meeting changed since a
    version was issued: letter number, schedule, place, online link and agenda."""
    return {
        "number": meeting.letter_number,
        "schedule": [f"{s['title']} {s['day']} {s['time']}".strip() for s in schedule(meeting)],
        "place": ", ".join(p for p in (meeting.venue, meeting.address) if p),
        "online_url": meeting.online_url if meeting.mode != Meeting.Mode.IN_PERSON else "",
        "agenda": [f"{item['time']} {item['title']}".strip() for item in agenda(meeting)],
    }
