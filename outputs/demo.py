"""The outputs of the past demo meeting ("Koordinasi Pranata Humas Antar K/L", Jakarta, 25–26
November 2021), following the seed news item: approved minutes, the four decisions, follow-up
actions (some done, one in progress, open ones of which one is overdue), a paparan and photos;
and the open actions carried into the agenda of the upcoming follow-up meeting.

Everything goes through the outputs services (start_minutes, save_minutes, add_decision,
approve_minutes, add_action, record_progress, upload_document, carry_open_actions), acting as
the demo organizer. Nothing is emailed: the minutes stay approved (not distributed), and the
actions are added for their agencies; the responsible person is set afterwards, without
issuing a progress link (an organizer can send one from the tracker). The overdue action is due
well before today (OVERDUE_DAYS), past the reminders' look-back, so beat does not mail it either.
Dates of 2021–2022 (revisions, progress notes, uploads) are written back afterwards, as history.

The parts: demo_minutes.py (the minutes and decisions), demo_actions.py (the follow-up actions
and their progress), demo_files.py (the paparan and photos); this module loads them, with the
documents and the laporan kegiatan.

Call `load_outputs_demo()` after attendance.demo.load_attendance_demo(). It is keyed by the
meeting: the minutes, decisions and actions are added only when the meeting has no minutes, the
documents only when it has none, and the carrying only when none of its actions was carried;
a second run adds nothing.
"""

import contextlib
from dataclasses import dataclass
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from events.demo_common import FOLLOW_UP_TITLE, PAST_TITLE, local
from events.models import AgendaItem, Meeting
from members.demo_people import ORGANIZER_EMAIL, SEKRETARIAT
from members.models import Member, User

from .demo_actions import add_actions, report_progress
from .demo_files import paparan_pdf, photo
from .demo_minutes import ADDRESS, CLOSING, CURRICULUM, PROFESSION, approve, write_minutes
from .models import Action, ActivityReport, Document, Minutes
from .services.action_carry import carry_open_actions
from .services.action_rules import CarryRefused
from .services.documents import upload_document
from .services.report import ReportData, finalise_report, report_for, save_report

PHOTOS = [
    # (file name, title, visibility, agenda item, background colour)
    (
        "dokumentasi-hari-1-arahan.jpg",
        "Dokumentasi hari 1: arahan Sesban Muharam Marzuki",
        Document.Visibility.PUBLIC,
        ADDRESS,
        (34, 94, 140),
    ),
    (
        "dokumentasi-hari-1-diskusi.jpg",
        "Dokumentasi hari 1: diskusi kurikulum pelatihan",
        Document.Visibility.PUBLIC,
        CURRICULUM,
        (46, 125, 80),
    ),
    (
        "dokumentasi-hari-2-peserta.jpg",
        "Dokumentasi hari 2: foto bersama peserta",
        Document.Visibility.PARTICIPANTS,
        CLOSING,
        (150, 88, 40),
    ),
]


@dataclass
class OutputsDemoReport:
    found: bool = False
    minutes_created: bool = False
    decisions_created: int = 0
    actions_created: int = 0
    documents_created: int = 0
    actions_carried: int = 0
    laporan_finalised: bool = False


@transaction.atomic
def load_outputs_demo(*, today: date | None = None) -> OutputsDemoReport:
    report = OutputsDemoReport()
    meeting = (
        Meeting.objects.filter(title=PAST_TITLE, host_agency__name__iexact=SEKRETARIAT)
        .order_by("created_at")
        .first()
    )
    if meeting is None:
        return report
    report.found = True
    today = today or timezone.localdate()
    organizer = User.objects.get(email__iexact=ORGANIZER_EMAIL)
    items = {item.title: item for item in meeting.agenda_items.all()}
    if not Minutes.objects.filter(meeting=meeting).exists():
        minutes, decisions = write_minutes(meeting=meeting, organizer=organizer, items=items)
        report.minutes_created = True
        report.decisions_created = len(decisions)
        # Decided in the meeting, so in the notulen as approved; their progress comes later.
        actions = add_actions(
            meeting=meeting, organizer=organizer, decisions=decisions, today=today
        )
        report.actions_created = len(actions)
        approve(minutes=minutes, organizer=organizer)
    if not meeting.documents.exists():
        report.documents_created = _documents(meeting=meeting, organizer=organizer, items=items)
    if not ActivityReport.objects.filter(meeting=meeting).exists():
        # Finalised in December 2021: before the progress of 2022 below.
        report.laporan_finalised = _laporan(meeting=meeting, organizer=organizer)
    if report.minutes_created:
        report_progress(actions, today)
    follow_up = Meeting.objects.filter(
        title=FOLLOW_UP_TITLE, host_agency__name__iexact=SEKRETARIAT
    ).first()
    already = Action.objects.filter(meeting=meeting, carried_to__isnull=False).exists()
    if follow_up is not None and not already:
        # Refused when the follow-up was finished or cancelled meanwhile: nothing to carry into.
        with contextlib.suppress(CarryRefused):
            report.actions_carried = carry_open_actions(
                from_meeting=meeting, to_meeting=follow_up, by=organizer
            )
    return report


# The laporan kegiatan, made by the head of the Bagian Umum dan Humas on 6 December 2021.
LAPORAN_AUTHOR = "rina.kusumawati@kemenag.go.id"
LAPORAN_DATE = date(2021, 12, 6)
LAPORAN_BASIS = [
    "Keputusan Sekretaris Badan Litbang dan Diklat tentang Panitia Koordinasi Pranata Humas "
    "Antar K/L Tahun 2021.",
    "Surat tugas bagi panitia, narasumber, dan moderator kegiatan.",
]
LAPORAN_OBSTACLES = (
    "Sebagian undangan berhalangan karena tugas kedinasan lain; materi diterima peserta "
    "sesudah kegiatan melalui Rakor."
)


def _laporan(*, meeting: Meeting, organizer: User) -> bool:
    """Drafted from the meeting, completed as the panitia would, and finalised (frozen)."""
    author = Member.objects.get(email__iexact=LAPORAN_AUTHOR)
    draft = report_for(meeting=meeting, by=organizer)
    save_report(
        meeting=meeting,
        data=ReportData(
            background=draft.background,
            purpose=draft.purpose,
            scope=draft.scope,
            basis="\n".join([*draft.basis.splitlines(), *LAPORAN_BASIS]),
            obstacles=LAPORAN_OBSTACLES,
            conclusions=draft.conclusions,
            suggestions=draft.suggestions,
            closing=draft.closing,
            author_name=author.full_name,
            author_position=author.position,
            author_nip=author.nip,
            place="Jakarta",
            report_date=LAPORAN_DATE,
        ),
        by=organizer,
    )
    finalise_report(meeting=meeting, by=organizer)
    return True


def _documents(*, meeting: Meeting, organizer: User, items: dict[str, AgendaItem]) -> int:
    """Uploaded through outputs.services.documents.upload_document, which checks the content."""
    uploads = [
        (
            SimpleUploadedFile("paparan-penguatan-profesionalitas-kehumasan.pdf", paparan_pdf()),
            "Paparan: Penguatan Profesionalitas Kehumasan",
            Document.Kind.MATERIAL,
            Document.Visibility.PARTICIPANTS,
            items.get(PROFESSION),
        )
    ]
    for name, caption, shown_to, item_title, colour in PHOTOS:
        uploads.append(
            (
                SimpleUploadedFile(name, photo(caption, colour)),
                caption,
                Document.Kind.PHOTO,
                shown_to,
                items.get(item_title),
            )
        )
    for file, title, kind, visibility, item in uploads:
        document = upload_document(
            meeting=meeting,
            file=file,
            title=title,
            kind=kind,
            visibility=visibility,
            uploaded_by=organizer,
            agenda_item=item,
        )
        Document.objects.filter(pk=document.pk).update(uploaded_at=local(date(2021, 11, 26), 13))
    return len(uploads)
