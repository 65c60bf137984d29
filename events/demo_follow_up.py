"""The demo's follow-up meeting three weeks from today, hybrid and published, whose invitations
go out exactly as the inviting page sends them."""

from datetime import date, timedelta

from members.models import Agency, User

from . import services
from .demo_common import (
    CHAIR,
    FOLLOW_UP_TITLE,
    MINUTE_TAKER,
    ZONE,
    Role,
    agenda_item,
    issue_letter,
    local,
)
from .models import Meeting

FOLLOW_UP_IN_DAYS = 21

FOLLOW_UP_DESCRIPTION = (
    "Tindak lanjut Koordinasi Pranata Humas Antar K/L (Jakarta, 25–26 November 2021): "
    "menyusun rancangan kurikulum dan silabus pelatihan pranata humas Kementerian Agama "
    "bersama DPP Iprahumas, serta membahas peran Iprahumas dalam sertifikasi profesi "
    "kehumasan pemerintah.\n\n"
    "Peserta diharapkan membawa bahan ajar atau modul pelatihan kehumasan yang sudah "
    "digunakan di instansi masing-masing. Peserta daring bergabung melalui tautan rapat."
)

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


def follow_up_day(today: date) -> date:
    """Three weeks from today, moved to the next Monday when its two days would touch a
    weekend (a Friday start would run into Saturday)."""
    day = today + timedelta(days=FOLLOW_UP_IN_DAYS)
    while day.weekday() >= 4:
        day += timedelta(days=1)
    return day


def build_follow_up_meeting(*, organizer: User, host: Agency, members: dict, today: date) -> int:
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
            agenda_item(first, 8, 0, 0, "Pembukaan", moderator="Rina Kusumawati"),
            agenda_item(
                first,
                8,
                30,
                0,
                "Arahan Sekretaris Badan Litbang dan Diklat: keluaran koordinasi 2021",
                speaker="Muharam Marzuki (Sekretaris Badan Litbang dan Diklat)",
                moderator="Rina Kusumawati",
            ),
            agenda_item(
                first,
                10,
                0,
                0,
                "Paparan rancangan kurikulum pelatihan pranata humas",
                speaker="Wulan Septiani (DPP Iprahumas)",
                moderator="Ahmad Fauzi",
            ),
            agenda_item(
                first,
                13,
                0,
                0,
                "Penyusunan silabus dan bahan ajar per jenjang jabatan (diskusi kelompok)",
                speaker="Yulia Sari Chaniago (Widyaiswara, LAN)",
                moderator="Ahmad Fauzi",
            ),
            agenda_item(
                second,
                8,
                0,
                1,
                "Sertifikasi profesi kehumasan pemerintah: peran Iprahumas",
                speaker="Teguh Santoso (Sekretaris Jenderal DPP Iprahumas)",
                moderator="Ahmad Fauzi",
            ),
            agenda_item(
                second,
                10,
                30,
                1,
                "Pleno: kesepakatan rancangan kurikulum dan rencana tindak lanjut",
            ),
            agenda_item(second, 11, 30, 1, "Penutup", speaker="Muharam Marzuki"),
        ],
    )
    services.publish_meeting(meeting=meeting)
    issue_letter(meeting=meeting, organizer=organizer, members=members, dated=today)
    sending = 0
    for role, emails in FOLLOW_UP_INVITEES.items():
        sending += services.invite_and_send(
            meeting=meeting,
            members=[members[email] for email in emails],
            role=role,
            invited_by=organizer,
        )
    return sending
