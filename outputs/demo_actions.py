"""The demo's follow-up actions of the past meeting: decided at the meeting, some done, one in
progress, open ones of which one is overdue (outputs/demo.py loads them)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from events.demo_common import local
from events.models import Meeting
from members.demo_people import BALITBANG
from members.models import Agency, Member, User

from .models import Action, ActionProgress
from .services.actions import add_action, record_progress

IPRAHUMAS = "Ikatan Pranata Humas Indonesia"
BDK_JAKARTA = "Balai Diklat Keagamaan Jakarta"
# The overdue action: due this many days before the day the demo loads (beyond the reminders'
# 30-day look-back, so loading the demo mails nobody).
OVERDUE_DAYS = 45
Status = Action.Status


@dataclass(frozen=True)
class DemoAction:
    title: str
    agency: str
    person: str  # email, or "" for the agency alone
    decision: int  # its number
    due: date | Callable[[date], date]  # a date, or a function of today: the due date now
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


def add_actions(*, meeting: Meeting, organizer: User, decisions: list, today: date) -> list:
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
            due_date=demo.decided_due or due_now(demo, today),
            responsible_agency=agencies[demo.agency],
            decision=decisions[demo.decision - 1],
            by=organizer,
        )
        if demo.person:
            # Set after the service added it for the agency: no progress link is emailed.
            Action.objects.filter(pk=action.pk).update(responsible_member=people[demo.person])
        added.append((action, demo))
    return added


def due_now(demo: DemoAction, today: date) -> date:
    return demo.due(today) if callable(demo.due) else demo.due


def report_progress(actions: list, today: date) -> None:
    """What the responsible people reported after the meeting (2021–2022), and the due dates
    moved since (so one of them is overdue today)."""
    for action, demo in actions:
        if demo.decided_due:
            Action.objects.filter(pk=action.pk).update(due_date=due_now(demo, today))
        for day, status, note, author in demo.progress:
            record_progress(action=action, note=note, status=status, author_name=author)
            ActionProgress.objects.filter(action=action, note=note).update(
                created_at=local(day, 10)
            )
            if status == Status.DONE:
                Action.objects.filter(pk=action.pk).update(completed_at=local(day, 10))
