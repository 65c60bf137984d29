"""The demo meetings, built from the model case (seed news item of 26 November 2021).

- The past "Koordinasi Pranata Humas Antar K/L" (Jakarta, 25–26 November 2021), hosted by the
  Sekretariat of Balitbang Diklat Kemenag: finished, with its invitations and answers written
  directly as history. No email is sent for it: it took place years ago.
- Both have a final surat undangan (events/services/letters.py), signed by the Sekretaris:
  the 2021 one dated 12 November 2021, the follow-up's today, which its invitations carry.
- Its follow-up three weeks from today, hybrid and published, whose invitations go out exactly
  as the inviting page sends them: services.invite_and_send → Celery batch task → outbox →
  Celery → the mail backend (var/mail/ under `make run`). `load_demo` runs before the worker
  starts; the tasks wait in the broker until it does.

Each meeting is matched by its title and host agency: a second run adds nothing and sends
nothing again (a meeting the organizer edited or cancelled is left as it is).
Call `load_demo_meetings()` after members.demo.load_demo(), which creates the people.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from members.demo_people import ORGANIZER_EMAIL, SEKRETARIAT
from members.models import Agency, Member, User

from . import services
from .models import Invitation, InvitationLetter, Meeting, Representation
from .services import letters

ZONE = "Asia/Jakarta"
Role, Answer = Invitation.Role, Invitation.Answer

PAST_TITLE = "Koordinasi Pranata Humas Antar K/L"
FOLLOW_UP_TITLE = "Tindak Lanjut Koordinasi Pranata Humas Antar K/L: Penyusunan Kurikulum Pelatihan"
FOLLOW_UP_IN_DAYS = 21

CHAIR = "muharam.marzuki@kemenag.go.id"
MINUTE_TAKER = "dewi.anggraini@kemenag.go.id"

PAST_DESCRIPTION = (
    "Koordinasi pranata humas kementerian/lembaga yang tergabung dalam Dewan Pengurus Pusat "
    "Ikatan Pranata Humas Indonesia (DPP Iprahumas), untuk memperkuat profesionalitas "
    "kehumasan pemerintah (Government Public Relations).\n\n"
    "Keluaran yang diharapkan: panduan pelatihan bagi pranata humas Kementerian Agama serta "
    "kurikulum dan silabus pelatihan pranata humas, disusun bersama Iprahumas sesuai kebutuhan "
    "pengembangan profesi."
)
FOLLOW_UP_DESCRIPTION = (
    "Tindak lanjut Koordinasi Pranata Humas Antar K/L (Jakarta, 25–26 November 2021): "
    "menyusun rancangan kurikulum dan silabus pelatihan pranata humas Kementerian Agama "
    "bersama DPP Iprahumas, serta membahas peran Iprahumas dalam sertifikasi profesi "
    "kehumasan pemerintah.\n\n"
    "Peserta diharapkan membawa bahan ajar atau modul pelatihan kehumasan yang sudah "
    "digunakan di instansi masing-masing. Peserta daring bergabung melalui tautan rapat."
)

# Who was invited to the 2021 meeting, in which role, and what they answered. Slamet Riyadi
# sent Baiq Nurul Hidayati in his place (see REPRESENTED).
PAST_INVITEES = [
    (CHAIR, Role.CHAIR, Answer.YES),
    ("rina.kusumawati@kemenag.go.id", Role.COMMITTEE, Answer.YES),
    ("ahmad.fauzi@kemenag.go.id", Role.COMMITTEE, Answer.YES),
    (MINUTE_TAKER, Role.MINUTE_TAKER, Answer.YES),
    ("sekjen@iprahumas.id", Role.SPEAKER, Answer.YES),
    ("wulan.septiani@iprahumas.id", Role.SPEAKER, Answer.YES),
    ("nurul.hidayah@kemenag.go.id", Role.PARTICIPANT, Answer.YES),
    ("hendra.gunawan@kemenag.go.id", Role.PARTICIPANT, Answer.YES),
    ("lalu.zaini@kemenag.go.id", Role.PARTICIPANT, Answer.YES),
    ("euis.komariah@kemenag.go.id", Role.PARTICIPANT, Answer.YES),
    ("andi.fadillah@kemenag.go.id", Role.PARTICIPANT, Answer.YES),
    ("grace.lumowa@komdigi.go.id", Role.PARTICIPANT, Answer.YES),
    ("bambang.setiawan@komdigi.go.id", Role.PARTICIPANT, Answer.NO),
    ("ayu.lestari@komdigi.go.id", Role.PARTICIPANT, Answer.YES),
    ("teuku.rizal@kemenkeu.go.id", Role.PARTICIPANT, Answer.YES),
    ("vivian.wijaya@kemenkeu.go.id", Role.PARTICIPANT, Answer.YES),
    ("slamet.riyadi@kemendagri.go.id", Role.PARTICIPANT, Answer.REPRESENTED),
    ("baiq.hidayati@kemendagri.go.id", Role.PARTICIPANT, Answer.YES),
    ("dwi.astuti@menpan.go.id", Role.PARTICIPANT, Answer.YES),
    ("cut.rahmawati@kemkes.go.id", Role.PARTICIPANT, Answer.MAYBE),
    ("stevanus.mamahit@kemkes.go.id", Role.PARTICIPANT, Answer.YES),
    ("made.suarjana@kemendikdasmen.go.id", Role.PARTICIPANT, Answer.YES),
    ("dadang.supriatna@bps.go.id", Role.PARTICIPANT, Answer.YES),
    ("sri.wahyuni@bps.go.id", Role.PARTICIPANT, Answer.YES),
    ("agus.wibisono@bnpb.go.id", Role.PARTICIPANT, Answer.NO),
    ("ratna.sembiring@bnpb.go.id", Role.PARTICIPANT, Answer.YES),
    ("agung.wirawan@bmkg.go.id", Role.PARTICIPANT, Answer.YES),
    ("rosmawati.lubis@bkn.go.id", Role.PARTICIPANT, Answer.YES),
    ("yulia.chaniago@lan.go.id", Role.PARTICIPANT, Answer.YES),
    ("maria.latuheru@anri.go.id", Role.PARTICIPANT, Answer.YES),
    ("siti.fatimah@jabarprov.go.id", Role.PARTICIPANT, Answer.YES),
    ("endang.sulistyowati@jatimprov.go.id", Role.PARTICIPANT, Answer.PENDING),
    ("sitti.nurhayati@makassarkota.go.id", Role.PARTICIPANT, Answer.NO),
]
REPRESENTED = {"slamet.riyadi@kemendagri.go.id": "baiq.hidayati@kemendagri.go.id"}

# The follow-up's invitees by role; each group is one press of "Invite and send".
FOLLOW_UP_INVITEES = {
    Role.CHAIR: [CHAIR],
    Role.MINUTE_TAKER: [MINUTE_TAKER],
    Role.COMMITTEE: ["rina.kusumawati@kemenag.go.id", "ahmad.fauzi@kemenag.go.id"],
    Role.SPEAKER: [
        "sekjen@iprahumas.id",
        "wulan.septiani@iprahumas.id",
        "yulia.chaniago@lan.go.id",
    ],
    Role.PARTICIPANT: [
        "lalu.zaini@kemenag.go.id",
        "andi.fadillah@kemenag.go.id",
        "grace.lumowa@komdigi.go.id",
        "ayu.lestari@komdigi.go.id",
        "vivian.wijaya@kemenkeu.go.id",
        "baiq.hidayati@kemendagri.go.id",
        "dwi.astuti@menpan.go.id",
        "stevanus.mamahit@kemkes.go.id",
        "maria.nahak@kemendikdasmen.go.id",
        "sri.wahyuni@bps.go.id",
        "ratna.sembiring@bnpb.go.id",
        "agung.wirawan@bmkg.go.id",
        "rosmawati.lubis@bkn.go.id",
        "fadli.rahman@lan.go.id",
        "maria.latuheru@anri.go.id",
        "siti.fatimah@jabarprov.go.id",
        "endang.sulistyowati@jatimprov.go.id",
        "sitti.nurhayati@makassarkota.go.id",
        "yuliana.rumbiak@papua.go.id",
    ],
}


@dataclass
class DemoMeetingsReport:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    invitations_sent: int = 0  # handed to Celery; the worker writes and sends the emails


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(ZONE))


def follow_up_day(today: date) -> date:
    """Three weeks from today, moved to the next Monday when its two days would touch a
    weekend (a Friday start would run into Saturday)."""
    day = today + timedelta(days=FOLLOW_UP_IN_DAYS)
    while day.weekday() >= 4:
        day += timedelta(days=1)
    return day


@transaction.atomic
def load_demo_meetings(*, today: date | None = None) -> DemoMeetingsReport:
    """Add the two demo meetings unless they exist (title and host agency); the demo
    organizer organizes both. Needs the demo agencies, members and organizer.

    The follow-up's invitations are sent through services.invite_and_send, so the Celery tasks
    start when this transaction commits, as they do from the inviting page.
    """
    report = DemoMeetingsReport()
    organizer = User.objects.get(email__iexact=ORGANIZER_EMAIL)
    host = Agency.objects.get(name__iexact=SEKRETARIAT)
    emails = {email for email, _role, _answer in PAST_INVITEES}
    emails |= {email for group in FOLLOW_UP_INVITEES.values() for email in group}
    members = {m.email.lower(): m for m in Member.objects.filter(email__in=emails)}

    for title, build in (
        (PAST_TITLE, _past_meeting),
        (FOLLOW_UP_TITLE, _follow_up_meeting),
    ):
        if Meeting.objects.filter(title=title, host_agency=host).exists():
            report.existing.append(title)
            continue
        report.invitations_sent += build(
            organizer=organizer,
            host=host,
            members=members,
            today=today or timezone.localdate(),
        )
        report.created.append(title)
    return report


def _past_meeting(*, organizer: User, host: Agency, members: dict, today: date) -> int:
    """Built through the meeting services (draft → published → finished); its invitations and
    answers are history, written directly: nothing is sent."""
    thursday, friday = date(2021, 11, 25), date(2021, 11, 26)
    meeting = services.create_meeting(
        organizer=organizer,
        data={
            "title": PAST_TITLE,
            "description": PAST_DESCRIPTION,
            "host_agency": host,
            "letter_number": "B-1234/BD.I/HM.01/11/2021",
            "mode": Meeting.Mode.IN_PERSON,
            "venue": "Ruang Rapat Cendana, Hotel Harmoni Thamrin",
            "address": "Jl. M.H. Thamrin No. 12, Menteng, Jakarta Pusat 10340",
            "time_zone": ZONE,
            "capacity": 40,
            "answer_deadline": local(date(2021, 11, 22), 16),
            "chair": members[CHAIR],
            "minute_taker": members[MINUTE_TAKER],
        },
        sessions=[
            {"title": "Hari 1", "starts_at": local(thursday, 8), "ends_at": local(thursday, 16)},
            {"title": "Hari 2", "starts_at": local(friday, 8), "ends_at": local(friday, 12)},
        ],
        agenda=[
            _item(thursday, 8, 0, 0, "Pembukaan", moderator="Rina Kusumawati"),
            _item(
                thursday,
                8,
                30,
                0,
                "Arahan Sekretaris Badan Litbang dan Diklat",
                speaker="Muharam Marzuki (Sekretaris Badan Litbang dan Diklat)",
                moderator="Rina Kusumawati",
            ),
            _item(
                thursday,
                10,
                0,
                0,
                "Penguatan profesionalitas kehumasan pemerintah",
                speaker="Teguh Santoso (Sekretaris Jenderal DPP Iprahumas)",
                moderator="Ahmad Fauzi",
            ),
            _item(
                thursday,
                13,
                0,
                0,
                "Kurikulum dan silabus pelatihan pranata humas Kementerian Agama",
                speaker="Wulan Septiani (DPP Iprahumas)",
                moderator="Ahmad Fauzi",
            ),
            _item(
                friday,
                8,
                0,
                1,
                "Iprahumas sebagai think tank dan sertifikasi profesi kehumasan",
                speaker="Teguh Santoso (Sekretaris Jenderal DPP Iprahumas)",
                moderator="Ahmad Fauzi",
            ),
            _item(friday, 11, 0, 1, "Penutup", speaker="Muharam Marzuki"),
        ],
    )
    services.publish_meeting(meeting=meeting)
    sent_at = local(date(2021, 11, 12), 9)
    invitations = {
        email: Invitation(
            meeting=meeting,
            member=members[email],
            role=role,
            answer=answer,
            answered_at=None if answer == Answer.PENDING else _answered_at(index),
            invitation_sent_at=sent_at,
            invited_by=organizer,
        )
        for index, (email, role, answer) in enumerate(PAST_INVITEES)
    }
    Invitation.objects.bulk_create(invitations.values())
    for original, representative in REPRESENTED.items():
        invitations[original].represented_by = invitations[representative]
        invitations[original].save(update_fields=["represented_by"])
        Representation.objects.create(
            invitation=invitations[original],
            representative=invitations[representative],
            role=invitations[original].role,
            named_at=invitations[original].answered_at,
        )
    _issue_letter(meeting=meeting, organizer=organizer, members=members, dated=date(2021, 11, 12))
    services.finish_meeting(meeting=meeting)
    return 0


def _issue_letter(*, meeting: Meeting, organizer: User, members: dict, dated: date) -> None:
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


def _follow_up_meeting(*, organizer: User, host: Agency, members: dict, today: date) -> int:
    """Built and sent through the same services as the organizer pages."""
    first, second = follow_up_day(today), follow_up_day(today) + timedelta(days=1)
    meeting = services.create_meeting(
        organizer=organizer,
        data={
            "title": FOLLOW_UP_TITLE,
            "description": FOLLOW_UP_DESCRIPTION,
            "host_agency": host,
            "letter_number": f"B-2718/BD.I/HM.01/{today:%m}/{today:%Y}",
            "mode": Meeting.Mode.HYBRID,
            "venue": "Ruang Rapat Lantai 18, Gedung Kementerian Agama",
            "address": "Jl. M.H. Thamrin No. 6, Jakarta Pusat 10340",
            "online_url": "https://meet.jit.si/RakorKurikulumPranataHumasKemenag",
            "time_zone": ZONE,
            "capacity": 40,
            "answer_deadline": local(first - timedelta(days=3), 16),
            "chair": members[CHAIR],
            "minute_taker": members[MINUTE_TAKER],
        },
        sessions=[
            {"title": "Hari 1", "starts_at": local(first, 8), "ends_at": local(first, 16)},
            {"title": "Hari 2", "starts_at": local(second, 8), "ends_at": local(second, 12)},
        ],
        agenda=[
            _item(first, 8, 0, 0, "Pembukaan", moderator="Rina Kusumawati"),
            _item(
                first,
                8,
                30,
                0,
                "Arahan Sekretaris Badan Litbang dan Diklat: keluaran koordinasi 2021",
                speaker="Muharam Marzuki (Sekretaris Badan Litbang dan Diklat)",
                moderator="Rina Kusumawati",
            ),
            _item(
                first,
                10,
                0,
                0,
                "Paparan rancangan kurikulum pelatihan pranata humas",
                speaker="Wulan Septiani (DPP Iprahumas)",
                moderator="Ahmad Fauzi",
            ),
            _item(
                first,
                13,
                0,
                0,
                "Penyusunan silabus dan bahan ajar per jenjang jabatan (diskusi kelompok)",
                speaker="Yulia Sari Chaniago (Widyaiswara, LAN)",
                moderator="Ahmad Fauzi",
            ),
            _item(
                second,
                8,
                0,
                1,
                "Sertifikasi profesi kehumasan pemerintah: peran Iprahumas",
                speaker="Teguh Santoso (Sekretaris Jenderal DPP Iprahumas)",
                moderator="Ahmad Fauzi",
            ),
            _item(
                second,
                10,
                30,
                1,
                "Pleno: kesepakatan rancangan kurikulum dan rencana tindak lanjut",
            ),
            _item(second, 11, 30, 1, "Penutup", speaker="Muharam Marzuki"),
        ],
    )
    services.publish_meeting(meeting=meeting)
    _issue_letter(meeting=meeting, organizer=organizer, members=members, dated=today)
    sending = 0
    for role, emails in FOLLOW_UP_INVITEES.items():
        sending += services.invite_and_send(
            meeting=meeting,
            members=[members[email] for email in emails],
            role=role,
            invited_by=organizer,
        )
    return sending


def _item(day: date, hour: int, minute: int, session: int, title: str, **people) -> dict:
    return {"title": title, "starts_at": local(day, hour, minute), "session": session, **people}


def _answered_at(index: int) -> datetime:
    """Answers came in over the week before the 2021 meeting (15–22 November)."""
    return local(date(2021, 11, 15) + timedelta(days=index % 8), 9 + index % 7, 5 * (index % 12))
