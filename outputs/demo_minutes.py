"""The demo's minutes of the past meeting: the discussion of each agenda item, the
conclusions and the four decisions, written through the services and approved on 3 December
2021 (outputs/demo.py loads them)."""

from datetime import date, timedelta

from events.demo_common import CHAIR, local
from events.models import AgendaItem, Meeting
from members.models import Member, User

from .models import Minutes, MinutesRevision
from .services.decisions import add_decision
from .services.minutes import save_minutes, start_minutes
from .services.minutes_approval import approve_minutes

APPROVED_ON = date(2021, 12, 3)

# Agenda item titles of the past meeting (events/demo_past.py).
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


def write_minutes(*, meeting: Meeting, organizer: User, items: dict[str, AgendaItem]) -> tuple:
    """Written through the services, with the decisions taken; approved by approve."""
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


def approve(*, minutes: Minutes, organizer: User) -> None:
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
        written = local(date(2021, 11, 29) + timedelta(days=index), 14)
        at = local(APPROVED_ON, 12) if revision.approved_version else written
        MinutesRevision.objects.filter(pk=revision.pk).update(created_at=at)
