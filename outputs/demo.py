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

Call `load_outputs_demo()` after attendance.demo.load_attendance_demo(). It is keyed by the
meeting: the minutes, decisions and actions are added only when the meeting has no minutes, the
documents only when it has none, and the carrying only when none of its actions was carried;
a second run adds nothing.
"""

import contextlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from events.demo import CHAIR, FOLLOW_UP_TITLE, PAST_TITLE
from events.models import AgendaItem, Meeting
from members.demo import BALITBANG, ORGANIZER_EMAIL, SEKRETARIAT
from members.models import Agency, Member, User

from .demo_files import paparan_pdf, photo
from .models import Action, ActionProgress, ActivityReport, Document, Minutes, MinutesRevision
from .services.action_carry import carry_open_actions
from .services.action_rules import CarryRefused
from .services.actions import add_action, record_progress
from .services.decisions import add_decision
from .services.documents import upload_document
from .services.minutes import save_minutes, start_minutes
from .services.minutes_approval import approve_minutes
from .services.report import ReportData, finalise_report, report_for, save_report

ZONE = ZoneInfo("Asia/Jakarta")
IPRAHUMAS = "Ikatan Pranata Humas Indonesia"
BDK_JAKARTA = "Balai Diklat Keagamaan Jakarta"
APPROVED_ON = date(2021, 12, 3)
# The overdue action: due this many days before the day the demo loads (beyond the reminders'
# 30-day look-back, so loading the demo mails nobody).
OVERDUE_DAYS = 45
Status = Action.Status

# Agenda item titles of the past meeting (events/demo.py).
OPENING = "Pembukaan"
ADDRESS = "Arahan Sekretaris Badan Litbang dan Diklat"
PROFESSION = "Penguatan profesionalitas kehumasan pemerintah"
CURRICULUM = "Kurikulum dan silabus pelatihan pranata humas Kementerian Agama"
THINK_TANK = "Iprahumas sebagai think tank dan sertifikasi profesi kehumasan"
CLOSING = "Penutup"

DISCUSSIONS = {
    OPENING: (
        "Rapat dibuka pukul 08.00 WIB oleh **Rina Kusumawati** (Kepala Bagian Umum dan Hubungan "
        "Masyarakat) selaku moderator. Peserta adalah pranata humas dari kementerian/lembaga "
        "dan pemerintah daerah yang tergabung dalam Dewan Pengurus Pusat Ikatan Pranata Humas "
        "Indonesia (DPP Iprahumas).\n\n"
        "Moderator menyampaikan maksud kegiatan: memperkuat profesionalitas kehumasan "
        "pemerintah dan menghasilkan keluaran berupa panduan pelatihan serta kurikulum/silabus "
        "pelatihan bagi pranata humas Kementerian Agama."
    ),
    ADDRESS: (
        "Sekretaris Badan Litbang dan Diklat, **Muharam Marzuki**, memberikan arahan:\n\n"
        "- Pranata humas akan menjadi sebuah kekuatan, yakni sebagai *Government Public "
        "Relations* (GPR). Profesi ini harus dijalankan secara profesional, dengan kompetensi "
        "untuk berkontribusi pada instansi.\n"
        "- Pranata humas jangan hanya menjadi sebuah jabatan, tetapi harus berkiprah dan "
        "berkontribusi untuk instansi masing-masing.\n"
        "- Diperlukan kolaborasi dan kerja sama antarlembaga guna menciptakan orkestrasi "
        "kinerja dalam memperkuat profesionalitas kehumasan.\n"
        "- Kegiatan koordinasi ini diharapkan menghasilkan keluaran yang mendukung profesi "
        "kehumasan, berupa panduan pelatihan bagi pranata humas di Kementerian Agama."
    ),
    PROFESSION: (
        "Sekretaris Jenderal DPP Iprahumas, **Teguh Santoso**, memaparkan kondisi jabatan "
        "fungsional pranata humas di kementerian/lembaga: sebaran jenjang jabatan, kebutuhan "
        "kompetensi (komunikasi publik, pengelolaan media sosial instansi, manajemen krisis) "
        "dan kesenjangan antara tugas jabatan dan pelatihan yang tersedia.\n\n"
        "Dalam diskusi, peserta dari Komdigi, Kemenkeu dan BPS berbagi praktik pengembangan "
        "kompetensi di instansinya. Peserta sepakat bahwa penguatan profesi memerlukan "
        "standar pelatihan yang sama di semua instansi."
    ),
    CURRICULUM: (
        "**Wulan Septiani** (DPP Iprahumas) memaparkan usulan struktur kurikulum pelatihan "
        "pranata humas per jenjang jabatan (Ahli Pertama, Ahli Muda, Ahli Madya).\n\n"
        "Kerja sama Balitbang Diklat Kemenag dengan Iprahumas diharapkan melahirkan kurikulum "
        "atau silabus pelatihan bagi pranata humas Kemenag. Panduan diklat disusun sesuai "
        "kebutuhan pengembangan profesi pranata humas. Widyaiswara Balai Diklat Keagamaan "
        "Jakarta mengusulkan agar setiap mata pelatihan dilengkapi bahan ajar dan studi kasus "
        "dari humas Kementerian Agama."
    ),
    THINK_TANK: (
        "Selain sebagai organisasi profesi, Iprahumas diharapkan menjadi *think tank* bagi "
        "humas di kementerian/lembaga, untuk memberikan penguatan pada jabatan pranata humas "
        "di instansi masing-masing.\n\n"
        "Iprahumas diharapkan menjadi *leading sector* yang memimpin sertifikasi profesi "
        "kehumasan pemerintah, dan menjadi lembaga yang dapat memberikan lisensi profesional "
        "di bidangnya. Iprahumas juga dapat menjadi narasumber diklat kehumasan dengan "
        "kesempatan mengajar di Balai Diklat Keagamaan se-Indonesia, sehingga kehadirannya "
        "dirasakan langsung oleh pejabat fungsional pranata humas di Kementerian Agama."
    ),
    CLOSING: (
        "Rapat ditutup pukul 11.45 WIB oleh Sekretaris Badan Litbang dan Diklat. Notulen dan "
        "rencana tindak lanjut disampaikan kepada peserta setelah disetujui pimpinan rapat; "
        "perkembangan tindak lanjut dibahas pada rapat koordinasi berikutnya."
    ),
}

CONCLUSIONS = (
    "1. Pranata humas diperkuat sebagai profesi *Government Public Relations*, bukan sekadar "
    "jabatan, melalui kolaborasi dan orkestrasi kinerja antarlembaga.\n"
    "2. Balitbang Diklat Kemenag dan DPP Iprahumas bekerja sama menyusun panduan pelatihan "
    "serta kurikulum dan silabus pelatihan pranata humas Kementerian Agama.\n"
    "3. Iprahumas berperan sebagai think tank humas kementerian/lembaga, memimpin sertifikasi "
    "profesi kehumasan pemerintah, dan menjadi narasumber diklat kehumasan di Balai Diklat "
    "Keagamaan se-Indonesia."
)

# (text, agenda item title)
DECISIONS = [
    ("Iprahumas menjadi think tank bagi humas kementerian/lembaga.", THINK_TANK),
    (
        "Balitbang Diklat Kemenag dan Iprahumas menyusun panduan pelatihan (diklat) bagi "
        "pranata humas Kementerian Agama.",
        CURRICULUM,
    ),
    (
        "Balitbang Diklat Kemenag dan Iprahumas menyusun kurikulum/silabus pelatihan pranata "
        "humas sesuai kebutuhan pengembangan profesi.",
        CURRICULUM,
    ),
    ("Iprahumas memimpin sertifikasi profesi kehumasan pemerintah.", THINK_TANK),
]


@dataclass(frozen=True)
class DemoAction:
    title: str
    agency: str
    person: str  # email, or "" for the agency alone
    decision: int  # its number
    due: object  # a date, or a function of today: the due date now
    progress: tuple = ()  # (day, status, note, author)
    # The due date decided at the meeting, when it was moved since (what the notulen keep).
    decided_due: date | None = None


ACTIONS = [
    DemoAction(
        "Menyusun rancangan panduan pelatihan (diklat) bagi pranata humas Kementerian Agama",
        BALITBANG,
        "hendra.gunawan@kemenag.go.id",
        2,
        date(2022, 3, 31),
        (
            (
                date(2022, 1, 20),
                Status.IN_PROGRESS,
                "Tim penyusun dibentuk dengan SK Sekretaris Badan; kerangka panduan dibahas "
                "bersama DPP Iprahumas secara daring.",
                "Hendra Gunawan",
            ),
            (
                date(2022, 3, 25),
                Status.DONE,
                "Rancangan panduan pelatihan (48 halaman) selesai dan diserahkan kepada "
                "Sekretaris Badan Litbang dan Diklat.",
                "Hendra Gunawan",
            ),
        ),
    ),
    DemoAction(
        "Menyusun daftar narasumber Iprahumas untuk diklat kehumasan di Balai Diklat "
        "Keagamaan se-Indonesia",
        BDK_JAKARTA,
        "lalu.zaini@kemenag.go.id",
        1,
        date(2022, 2, 28),
        (
            (
                date(2022, 2, 21),
                Status.DONE,
                "Daftar 24 narasumber dari DPP Iprahumas beserta bidang keahliannya dikirim ke "
                "seluruh Balai Diklat Keagamaan.",
                "Lalu Muhammad Zaini",
            ),
        ),
    ),
    DemoAction(
        "Menyusun kajian singkat (policy brief) penguatan jabatan fungsional pranata humas "
        "sebagai masukan bagi humas kementerian/lembaga",
        IPRAHUMAS,
        "sekjen@iprahumas.id",
        1,
        date(2022, 6, 30),
        (
            (
                date(2022, 6, 28),
                Status.DONE,
                "Policy brief diterbitkan dan disampaikan kepada Kementerian PANRB serta "
                "biro humas kementerian/lembaga anggota Iprahumas.",
                "Teguh Santoso",
            ),
        ),
    ),
    DemoAction(
        "Menyusun kurikulum dan silabus pelatihan pranata humas per jenjang jabatan (Ahli "
        "Pertama, Ahli Muda, Ahli Madya)",
        BALITBANG,
        "wulan.septiani@iprahumas.id",
        3,
        lambda today: today + timedelta(days=30),
        decided_due=date(2022, 9, 30),
        progress=(
            (
                date(2022, 8, 15),
                Status.IN_PROGRESS,
                "Kurikulum jenjang Ahli Pertama dan Ahli Muda disepakati bersama widyaiswara "
                "Balai Diklat Keagamaan Jakarta; silabus Ahli Madya masih dibahas dengan LAN. "
                "Rancangan dipaparkan pada rapat tindak lanjut.",
                "Wulan Septiani",
            ),
        ),
    ),
    DemoAction(
        "Menyusun usulan skema sertifikasi profesi kehumasan pemerintah dan menyampaikannya "
        "kepada Kementerian PANRB",
        IPRAHUMAS,
        "",
        4,
        lambda today: today - timedelta(days=OVERDUE_DAYS),
        decided_due=date(2022, 6, 30),
    ),
    DemoAction(
        "Menyusun bahan ajar mata pelatihan komunikasi publik dan pengelolaan media sosial "
        "instansi",
        IPRAHUMAS,
        "",
        2,
        lambda today: today + timedelta(days=60),
        decided_due=date(2022, 12, 31),
    ),
]

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


def on(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZONE)


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
        minutes, decisions = _minutes(meeting=meeting, organizer=organizer, items=items)
        report.minutes_created = True
        report.decisions_created = len(decisions)
        # Decided in the meeting, so in the notulen as approved; their progress comes later.
        actions = _actions(meeting=meeting, organizer=organizer, decisions=decisions, today=today)
        report.actions_created = len(actions)
        _approve(minutes=minutes, organizer=organizer)
    if not meeting.documents.exists():
        report.documents_created = _documents(meeting=meeting, organizer=organizer, items=items)
    if not ActivityReport.objects.filter(meeting=meeting).exists():
        # Finalised in December 2021: before the progress of 2022 below.
        report.laporan_finalised = _laporan(meeting=meeting, organizer=organizer)
    if report.minutes_created:
        _progress(actions, today)
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


def _minutes(*, meeting: Meeting, organizer: User, items: dict[str, AgendaItem]) -> tuple:
    """Written through the services, with the decisions taken; approved by _approve."""
    minutes = start_minutes(meeting=meeting, by=organizer)
    sections = {
        section.pk: DISCUSSIONS.get(section.title, "")
        for section in minutes.sections.all()
        if section.title in DISCUSSIONS
    }
    save_minutes(minutes=minutes, sections=sections, conclusions=None, by=organizer)
    save_minutes(minutes=minutes, sections={}, conclusions=CONCLUSIONS, by=organizer)
    decisions = [
        add_decision(meeting=meeting, text=text, agenda_item=items.get(item))
        for text, item in DECISIONS
    ]
    return minutes, decisions


def _approve(*, minutes: Minutes, organizer: User) -> None:
    """Approved on 3 December 2021 and so frozen, with each session's closed daftar hadir
    attached; nothing distributed (no mail for 2021)."""
    chair = Member.objects.get(email__iexact=CHAIR)
    approve_minutes(
        minutes=minutes,
        approver_name=chair.full_name,
        approver_nip=chair.nip,
        by=organizer,
        approved_on=APPROVED_ON,
    )
    # History: the drafts were written the days after the meeting, the approval a week later.
    revisions = list(MinutesRevision.objects.filter(minutes=minutes).order_by("pk"))
    for index, revision in enumerate(revisions):
        written = on(date(2021, 11, 29) + timedelta(days=index), 14)
        at = on(APPROVED_ON, 12) if revision.approved_version else written
        MinutesRevision.objects.filter(pk=revision.pk).update(created_at=at)


def _actions(*, meeting: Meeting, organizer: User, decisions: list, today: date) -> list:
    agencies = {
        agency.name: agency
        for agency in Agency.objects.filter(name__in={a.agency for a in ACTIONS})
    }
    people = {
        member.email.lower(): member
        for member in Member.objects.filter(email__in={a.person for a in ACTIONS if a.person})
    }
    added = []
    for demo in ACTIONS:
        action = add_action(
            meeting=meeting,
            title=demo.title,
            due_date=demo.decided_due or _due(demo, today),
            responsible_agency=agencies[demo.agency],
            decision=decisions[demo.decision - 1],
            by=organizer,
        )
        if demo.person:
            # Set after the service added it for the agency: no progress link is emailed.
            Action.objects.filter(pk=action.pk).update(responsible_member=people[demo.person])
        added.append((action, demo))
    return added


def _due(demo: DemoAction, today: date) -> date:
    return demo.due(today) if callable(demo.due) else demo.due


def _progress(actions: list, today: date) -> None:
    """What the responsible people reported after the meeting (2021–2022), and the due dates
    moved since (so one of them is overdue today)."""
    for action, demo in actions:
        if demo.decided_due:
            Action.objects.filter(pk=action.pk).update(due_date=_due(demo, today))
        for day, status, note, author in demo.progress:
            record_progress(action=action, note=note, status=status, author_name=author)
            ActionProgress.objects.filter(action=action, note=note).update(created_at=on(day))
            if status == Status.DONE:
                Action.objects.filter(pk=action.pk).update(completed_at=on(day))


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
    for name, title, visibility, item, colour in PHOTOS:
        uploads.append(
            (
                SimpleUploadedFile(name, photo(title, colour)),
                title,
                Document.Kind.PHOTO,
                visibility,
                items.get(item),
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
        Document.objects.filter(pk=document.pk).update(uploaded_at=on(date(2021, 11, 26), 13))
    return len(uploads)


__all__ = ["OutputsDemoReport", "load_outputs_demo", "paparan_pdf", "photo"]
