"""The past demo meeting, "Koordinasi Pranata Humas Antar K/L" (Jakarta, 25–26 November 2021):
finished, with its invitations and answers written directly as history; nothing is sent."""

from datetime import date, datetime, timedelta

from members.models import Agency, User

from . import services
from .demo_common import (
    CHAIR,
    MINUTE_TAKER,
    PAST_TITLE,
    ZONE,
    Answer,
    Role,
    agenda_item,
    issue_letter,
    local,
)
from .models import Invitation, Meeting, Representation

PAST_DESCRIPTION = (
    "Koordinasi pranata humas kementerian/lembaga yang tergabung dalam Dewan Pengurus Pusat "
    "Ikatan Pranata Humas Indonesia (DPP Iprahumas), untuk memperkuat profesionalitas "
    "kehumasan pemerintah (Government Public Relations).\n\n"
    "Keluaran yang diharapkan: panduan pelatihan bagi pranata humas Kementerian Agama serta "
    "kurikulum dan silabus pelatihan pranata humas, disusun bersama Iprahumas sesuai kebutuhan "
    "pengembangan profesi."
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


# `today`: events/demo.py calls both meetings' builders alike; the past one is dated in 2021.
def build_past_meeting(*, organizer: User, host: Agency, members: dict, today: date) -> int:  # noqa: ARG001
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
            agenda_item(thursday, 8, 0, 0, "Pembukaan", moderator="Rina Kusumawati"),
            agenda_item(
                thursday,
                8,
                30,
                0,
                "Arahan Sekretaris Badan Litbang dan Diklat",
                speaker="Muharam Marzuki (Sekretaris Badan Litbang dan Diklat)",
                moderator="Rina Kusumawati",
            ),
            agenda_item(
                thursday,
                10,
                0,
                0,
                "Penguatan profesionalitas kehumasan pemerintah",
                speaker="Teguh Santoso (Sekretaris Jenderal DPP Iprahumas)",
                moderator="Ahmad Fauzi",
            ),
            agenda_item(
                thursday,
                13,
                0,
                0,
                "Kurikulum dan silabus pelatihan pranata humas Kementerian Agama",
                speaker="Wulan Septiani (DPP Iprahumas)",
                moderator="Ahmad Fauzi",
            ),
            agenda_item(
                friday,
                8,
                0,
                1,
                "Iprahumas sebagai think tank dan sertifikasi profesi kehumasan",
                speaker="Teguh Santoso (Sekretaris Jenderal DPP Iprahumas)",
                moderator="Ahmad Fauzi",
            ),
            agenda_item(friday, 11, 0, 1, "Penutup", speaker="Muharam Marzuki"),
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
        represented = invitations[original]
        assert represented.answered_at is not None  # its answer: "represented"
        represented.represented_by = invitations[representative]
        represented.save(update_fields=["represented_by"])
        Representation.objects.create(
            invitation=represented,
            representative=invitations[representative],
            role=represented.role,
            named_at=represented.answered_at,
        )
    issue_letter(meeting=meeting, organizer=organizer, members=members, dated=date(2021, 11, 12))
    services.finish_meeting(meeting=meeting)
    return 0


def _answered_at(index: int) -> datetime:
    """Answers came in over the week before the 2021 meeting (15–22 November)."""
    return local(date(2021, 11, 15) + timedelta(days=index % 8), 9 + index % 7, 5 * (index % 12))
