"""Attendance of the past demo meeting ("Koordinasi Pranata Humas Antar K/L", 25–26 November
2021), so its dashboard, table and daftar hadir show real data after `make run`.

Who accepted came on both days, save a few: on day 1 two were excused (izin) and one did not
come; on day 2, which ended at noon, one more was excused and three left for their offices.
Most signed on the screen (a scribble drawn here with Pillow); the others signed on paper.
The PPK certifies each daftar hadir; one person who signed on paper on day 1 signs on the screen
the next morning with the organizer's leave (a late signature, marked on the sheet); then each
session's daftar hadir is closed as a record (attendance/services/sheets.py).
Call `load_attendance_demo()` after events.demo.load_demo_meetings(); a second run adds
nothing (one check-in and one excuse per person and session, as the database insists).
"""

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from events.models import Invitation, Meeting
from members.demo_people import ORGANIZER_EMAIL
from members.models import User

from .models import CheckIn, Excuse, LateSignature, SheetSettings
from .services.tickets import ticket_for

PAST_TITLE = "Koordinasi Pranata Humas Antar K/L"
ZONE = ZoneInfo("Asia/Jakarta")
DESK = "Rina Kusumawati (meja registrasi)"

# Day 1 (Thursday) and day 2 (Friday): who was excused, with the reason, and who did not come.
EXCUSED = {
    0: {
        "teuku.rizal@kemenkeu.go.id": "Dinas luar kota (Surabaya), surat tugas terlampir",
        "agung.wirawan@bmkg.go.id": "Sakit, surat keterangan dokter menyusul",
    },
    1: {
        "teuku.rizal@kemenkeu.go.id": "Dinas luar kota (Surabaya), surat tugas terlampir",
        "vivian.wijaya@kemenkeu.go.id": "Mendampingi pimpinan rapat kerja dengan DPR",
    },
}
ABSENT = {
    0: {"maria.latuheru@anri.go.id"},
    1: {
        "agung.wirawan@bmkg.go.id",
        "made.suarjana@kemendikdasmen.go.id",
        "siti.fatimah@jabarprov.go.id",
        "rosmawati.lubis@bkn.go.id",
    },
}
# Every third person signed the paper sheet rather than the screen.
SIGNED_ON_PAPER_EVERY = 3


# The daftar hadir: certified by the PPK; one who signed on paper on day 1 signs on the screen
# the next morning, late, with the organizer's leave; each session's sheet is then closed.
CERTIFIER = ("Nurul Hidayah", "198609302011012007")
LATE_SIGNER_AT = datetime(2021, 11, 26, 7, 45, tzinfo=ZONE)
LATE_REASON = "Menandatangani di meja panitia; terlewat saat registrasi hari pertama"


@dataclass
class AttendanceDemoReport:
    checkins_created: int = 0
    excuses_created: int = 0
    sheets_closed: int = 0
    found: bool = False


@transaction.atomic
def load_attendance_demo() -> AttendanceDemoReport:
    report = AttendanceDemoReport()
    meeting = Meeting.objects.filter(title=PAST_TITLE).order_by("created_at").first()
    if meeting is None:
        return report
    report.found = True
    sessions = list(meeting.sessions.order_by("starts_at")[:2])
    attending = list(
        Invitation.objects.filter(
            meeting=meeting, answer=Invitation.Answer.YES, withdrawn_at__isnull=True
        )
        .select_related("member")
        .order_by("pk")
    )
    for invitation in attending:
        ticket_for(invitation=invitation)
    checkins, excuses = [], []
    for day, session in enumerate(sessions):
        opens = datetime.combine(
            session.starts_at.astimezone(ZONE).date(), time(7, 25), tzinfo=ZONE
        )
        for index, invitation in enumerate(attending):
            email = invitation.member.email.lower()
            if email in EXCUSED.get(day, {}):
                excuses.append(
                    Excuse(invitation=invitation, session=session, reason=EXCUSED[day][email])
                )
                continue
            if email in ABSENT.get(day, set()):
                continue
            method = (CheckIn.Method.SCAN, CheckIn.Method.SELF, CheckIn.Method.MANUAL)[
                index % 3 if index % 5 else 0
            ]
            signed = index % SIGNED_ON_PAPER_EVERY != 2
            checkins.append(
                CheckIn(
                    invitation=invitation,
                    session=session,
                    at=opens + timedelta(minutes=index * 2 + day, seconds=17 * index % 60),
                    method=method,
                    operator_name="" if method == CheckIn.Method.SELF else DESK,
                    signature=scribble(invitation.member.full_name) if signed else None,
                )
            )
    before = CheckIn.objects.filter(session__meeting=meeting).count()
    CheckIn.objects.bulk_create(checkins, ignore_conflicts=True)
    report.checkins_created = CheckIn.objects.filter(session__meeting=meeting).count() - before
    before = Excuse.objects.filter(session__meeting=meeting).count()
    Excuse.objects.bulk_create(excuses, ignore_conflicts=True)
    report.excuses_created = Excuse.objects.filter(session__meeting=meeting).count() - before
    report.sheets_closed = _daftar_hadir(meeting=meeting, sessions=sessions)
    return report


def _daftar_hadir(*, meeting: Meeting, sessions: list) -> int:
    """The settings, the late signature and each session's closed sheet, through the services;
    what is there already is left as it is."""
    from records.services import latest_frozen

    from .services.sheets import KIND, SheetSettingsData, close_sheet, save_sheet_settings
    from .services.signatures import sign_check_in

    organizer = User.objects.get(email__iexact=ORGANIZER_EMAIL)
    if not SheetSettings.objects.filter(meeting=meeting).exists():
        save_sheet_settings(
            meeting=meeting,
            data=SheetSettingsData(
                signature_grace_minutes=60,
                certifier=SheetSettings.Certifier.PPK,
                certifier_name=CERTIFIER[0],
                certifier_nip=CERTIFIER[1],
                place="Jakarta",
            ),
            by=organizer,
        )
    unsigned = (
        CheckIn.objects.filter(session=sessions[0], signature__isnull=True)
        .select_related("invitation__member")
        .order_by("invitation__member__full_name")
        .first()
    )
    late = LateSignature.objects.filter(checkin__session__meeting=meeting)
    if unsigned is not None and not late.exists():
        sign_check_in(
            checkin=unsigned,
            signature=scribble(unsigned.invitation.member.full_name),
            by=organizer,
            reason=LATE_REASON,
            now=LATE_SIGNER_AT,
        )
    closed = 0
    for session in sessions:
        if latest_frozen(meeting=meeting, kind=KIND, subject=session) is None:
            close_sheet(session=session, by=organizer)
            closed += 1
    return closed


def scribble(name: str) -> bytes:
    """A signature-like scribble, the same for the same name, kept as Rakor keeps a signature
    (services.signature_image)."""
    from .services.signature_image import printable_signature

    return printable_signature(scribble_picture(name))


def scribble_picture(name: str, width: int = 360, height: int = 120):
    """The scribble of `name` as a signature pad draws it: a few loops and a flourish, black on
    a transparent background (a Pillow image)."""
    from PIL import Image, ImageDraw

    rng = random.Random(name)  # noqa: S311 - a drawing, not a secret
    picture = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(picture)
    x, y = 20.0, height * 0.6
    points = [(x, y)]
    for _ in range(9 + len(name) % 5):
        x += rng.uniform(15, 38)
        y = min(height - 15, max(15, y + rng.uniform(-45, 45)))
        points.append((x, y))
        if x > width - 40:
            break
    draw.line(points, fill=(0, 0, 0, 255), width=3, joint="curve")
    flourish_y = height * rng.uniform(0.7, 0.85)
    draw.line(
        [(25, flourish_y), (points[-1][0], flourish_y - rng.uniform(0, 12))],
        fill=(0, 0, 0, 255),
        width=2,
    )
    return picture


__all__ = ["AttendanceDemoReport", "load_attendance_demo", "scribble", "scribble_picture"]
