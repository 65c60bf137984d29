"""Benchmark: the documents of a large meeting, made as an organizer downloads them.

A two-day meeting with 200 invitees from 40 agencies (about 90 % checked in, each check-in with
a signature drawn on a phone's pad and read as a check-in reads it, some excused), 10 agenda
items each with a few paragraphs of Markdown discussion, 10 decisions, 30 follow-up actions,
approved minutes and 8 photos (generated JPEGs, as a phone's camera makes them, stored through
the upload service). Then it times, three times each, what the download views call:
outputs.exports.minutes_pdf, minutes_docx, activity_report_pdf and the daftar hadir of the first
session (attendance.pdf.daftar_hadir_pdf), and what is frozen as records: the surat undangan
with its list of invitees and the notulen with both daftar hadir appended; it reports the
median of each.

    .venv/bin/python bench/reports.py                      # a throwaway SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rakor_bench_reports \\
        .venv/bin/python bench/reports.py                  # a database whose name says "bench"

It migrates the database and replaces its own bench meeting, so it refuses a DATABASE_URL whose
database name does not contain "bench". Its last line is
`RESULT minutes_pdf_s=… minutes_docx_s=… report_pdf_s=… daftar_hadir_pdf_s=…
surat_undangan_pdf_s=… notulen_record_pdf_s=…`.
"""

import io
import logging
import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from throwaway import choose_database

INVITEES = 200
AGENCIES = 40
AGENDA_ITEMS = 10
ACTIONS = 30
PHOTOS = 8
RUNS = 3
TARGET_SECONDS = 3.0
TITLE = "Bench: Koordinasi Pranata Humas Antar K/L"
EMAIL_DOMAIN = "bench.rakor.test"
PARAGRAPH = (
    "Narasumber menyampaikan bahwa **pranata humas** di setiap K/L perlu pedoman pelatihan "
    "yang seragam, dengan kurikulum dan silabus yang disusun bersama *Iprahumas*. Peserta "
    "menanggapi dengan contoh praktik baik dari instansi masing-masing, termasuk pengelolaan "
    "media sosial, penanganan krisis komunikasi dan pelaporan kinerja kehumasan."
)


def main() -> None:
    throwaway = choose_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    meeting, minutes, session = build_meeting()
    if os.environ.get("BENCH_DUMP_HTML"):
        _dump(meeting, minutes, os.environ["BENCH_DUMP_HTML"])

    from attendance.pdf import daftar_hadir_pdf
    from events.letters.pdf import letter_pdf
    from events.services.letters import letter_for
    from outputs.exports import activity_report_pdf, minutes_docx, minutes_pdf
    from outputs.notulen import notulen_pdf, notulen_snapshot
    from outputs.services.report import report_for

    print(
        f"database: {connection.vendor}{' (throwaway)' if throwaway else ''} "
        f"{connection.settings_dict['NAME']}"
    )
    print(
        f"meeting: {INVITEES} invitees from {AGENCIES} agencies, {AGENDA_ITEMS} agenda items, "
        f"{ACTIONS} actions, {PHOTOS} photos; {RUNS} runs each"
    )
    jobs = {
        "minutes_pdf": lambda: minutes_pdf(minutes=minutes),
        "minutes_docx": lambda: minutes_docx(minutes=minutes),
        "report_pdf": lambda: activity_report_pdf(report=report_for(meeting=meeting)),
        "daftar_hadir_pdf": lambda: daftar_hadir_pdf(session=session),
        # The records as frozen: the letter with its list of 200 invitees, the notulen with
        # both sessions' daftar hadir appended page for page.
        "surat_undangan_pdf": lambda: letter_pdf(letter=letter_for(meeting=meeting)),
        "notulen_record_pdf": lambda: _frozen_notulen(minutes, notulen_pdf, notulen_snapshot),
    }
    medians = {}
    for name, job in jobs.items():
        times, size = [], 0
        for _ in range(RUNS):
            started = time.perf_counter()
            size = len(job())
            times.append(time.perf_counter() - started)
        medians[name] = statistics.median(times)
        verdict = "ok" if medians[name] <= TARGET_SECONDS else "MISSED"
        runs = ", ".join(f"{t:.2f}" for t in times)
        print(
            f"{name}: runs {runs} s, median {medians[name]:.2f} s, {size / 1024:.0f} KiB {verdict}"
        )
    if throwaway:
        connection.close()
        throwaway.cleanup()
    print("RESULT " + " ".join(f"{name}_s={value:.2f}" for name, value in medians.items()))


def _frozen_notulen(minutes, notulen_pdf, notulen_snapshot) -> bytes:
    from django.utils.translation import override

    from attendance.pdf import daftar_hadir_pdf

    with override("id"):
        snapshot = notulen_snapshot(minutes=minutes)
    sheets = [
        (session.title, daftar_hadir_pdf(session=session))
        for session in minutes.meeting.sessions.all()
    ]
    return notulen_pdf(snapshot=snapshot, sheets=sheets)


def _dump(meeting, minutes, folder: str) -> None:
    """BENCH_DUMP_HTML=<folder>: also write the HTML and PDF of both documents there, to look at."""
    from outputs.exports import activity_report_pdf, minutes_html, minutes_pdf
    from outputs.exports_report import activity_report_html
    from outputs.services.report import report_for

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    report = report_for(meeting=meeting)
    (out / "minutes.html").write_text(minutes_html(minutes=minutes))
    (out / "report.html").write_text(activity_report_html(report=report))
    (out / "minutes.pdf").write_bytes(minutes_pdf(minutes=minutes))
    (out / "report.pdf").write_bytes(activity_report_pdf(report=report))


def _photo(width: int, height: int, seed: int) -> bytes:
    """A documentation photo as a phone's camera makes it: a JPEG."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (rng.randrange(256), 120, 160))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(width), rng.randrange(height)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x, y, x + width // 6, y + height // 6), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _signature(name: str) -> bytes:
    """The signature of `name` as a check-in keeps it: drawn on a phone's signature pad (a box
    of 328 × 176 CSS pixels at 3 device pixels each: a transparent PNG of 984 × 528), then read
    as the pages that take a signature read it."""
    import base64

    from PIL import Image

    from attendance.demo import scribble_picture
    from attendance.services import decode_signature

    pad = scribble_picture(name, 328, 176).resize((984, 528), Image.Resampling.BICUBIC)
    drawn = io.BytesIO()
    pad.save(drawn, format="PNG")
    return decode_signature("data:image/png;base64," + base64.b64encode(drawn.getvalue()).decode())


def _clear_previous() -> None:
    from attendance.models import CheckIn
    from events.models import Meeting
    from members.models import Member
    from outputs.models import Action, Document

    for meeting in Meeting.objects.filter(title=TITLE):
        for document in Document.objects.filter(meeting=meeting):
            document.file.delete(save=False)
        Action.objects.filter(meeting=meeting).delete()
        CheckIn.objects.filter(session__meeting=meeting).delete()
        meeting.delete()
    Member.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()


def build_meeting(*, approved: bool = True):
    """The bench meeting (see the module's docstring), built afresh: (meeting, minutes, its
    first session). bench/records.py builds on it too, with the minutes still a draft
    (`approved` False) for it to approve them as the chair does."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from attendance.models import CheckIn, Excuse
    from events.models import AgendaItem, Invitation, Meeting, Session
    from members.models import Agency, Member, User
    from outputs.models import Action, Decision, Minutes, MinutesSection
    from outputs.services import upload_document

    rng = random.Random(20211125)
    _clear_previous()
    with transaction.atomic():
        organizer, _ = User.objects.get_or_create(email=f"organizer@{EMAIL_DOMAIN}")
        agencies = [
            Agency.objects.get_or_create(
                name=f"Instansi Bench {n:02d} Kementerian Contoh", defaults={"acronym": f"IB{n}"}
            )[0]
            for n in range(AGENCIES)
        ]
        members = Member.objects.bulk_create(
            Member(
                full_name=f"Peserta {n:03d} {rng.choice(['Siti', 'Budi', 'Dewi', 'Agus'])}",
                email=f"peserta{n}@{EMAIL_DOMAIN}",
                nip=f"1985031520100{(n % 2) + 1}1{n:03d}"[:18].ljust(18, "0"),
                position="Pranata Humas Ahli Muda",
                agency=agencies[n % AGENCIES],
            )
            for n in range(INVITEES + 2)
        )
        chair, notulis = members[-2], members[-1]
        meeting = Meeting.objects.create(
            title=TITLE,
            description="Koordinasi penyusunan pedoman pelatihan dan kurikulum pranata humas.",
            host_agency=agencies[0],
            letter_number="B-1234/BD/HM.01/11/2021",
            venue="Aula Gedung Kementerian Agama",
            address="Jl. M.H. Thamrin No. 6, Jakarta Pusat",
            chair=chair,
            minute_taker=notulis,
            state=Meeting.State.FINISHED,
        )
        meeting.organizers.add(organizer)
        first = datetime(2021, 11, 25, 1, 0, tzinfo=UTC)  # 08.00 WIB
        sessions = [
            Session.objects.create(
                meeting=meeting,
                title=f"Hari {day + 1}",
                starts_at=first + timedelta(days=day),
                ends_at=first + timedelta(days=day, hours=8),
            )
            for day in range(2)
        ]
        invitations = Invitation.objects.bulk_create(
            Invitation(meeting=meeting, member=member, answer=Invitation.Answer.YES)
            for member in members[:INVITEES]
        )
        CheckIn.objects.bulk_create(
            CheckIn(
                invitation=invitation,
                session=sessions[0],
                at=first + timedelta(minutes=n % 60),
                method=CheckIn.Method.SCAN,
                signature=_signature(invitation.member.full_name),
            )
            for n, invitation in enumerate(invitations)
            if n % 10
        )
        Excuse.objects.bulk_create(
            Excuse(invitation=invitation, session=sessions[0], reason="Tugas dinas luar")
            for n, invitation in enumerate(invitations)
            if n % 10 == 0 and n % 20 == 0
        )
        items = [
            AgendaItem.objects.create(
                meeting=meeting,
                session=sessions[n // 5],
                starts_at=sessions[n // 5].starts_at + timedelta(minutes=45 * (n % 5)),
                title=f"Agenda {n + 1}: pembahasan pedoman pelatihan bagian {n + 1}",
                speaker=f"Narasumber {n + 1}",
                moderator="Moderator Iprahumas",
                position=n,
            )
            for n in range(AGENDA_ITEMS)
        ]
        approval = {
            "state": Minutes.State.APPROVED,
            "version": 1,
            "approved_at": first + timedelta(days=2),
            "approver_name": chair.full_name,
            "approver_nip": chair.nip,
        }
        minutes = Minutes.objects.create(
            meeting=meeting,
            conclusions="\n\n".join([PARAGRAPH] * 2),
            **(approval if approved else {"state": Minutes.State.DRAFT}),
        )
        discussion = "\n\n".join(
            [PARAGRAPH, PARAGRAPH, "- modul dasar\n- modul lanjut\n- sertifikasi", PARAGRAPH]
        )
        MinutesSection.objects.bulk_create(
            MinutesSection(
                minutes=minutes,
                agenda_item=item,
                title=item.title,
                discussion=discussion,
                position=n,
            )
            for n, item in enumerate(items)
        )
        Decision.objects.bulk_create(
            Decision(
                meeting=meeting,
                number=n + 1,
                agenda_item=items[n],
                text=f"Keputusan {n + 1}: " + PARAGRAPH[:160].replace("*", ""),
            )
            for n in range(AGENDA_ITEMS)
        )
        statuses = list(Action.Status)
        Action.objects.bulk_create(
            Action(
                meeting=meeting,
                title=f"Tindak lanjut {n + 1}: menyusun bagian {n + 1} pedoman pelatihan",
                responsible_agency=agencies[n % AGENCIES],
                responsible_member=members[n] if n % 3 == 0 else None,
                due_date=date(2022, 1, 1) + timedelta(days=7 * n),
                status=statuses[n % len(statuses)],
            )
            for n in range(ACTIONS)
        )
    for n in range(PHOTOS):
        upload_document(
            meeting=meeting,
            file=SimpleUploadedFile(f"foto-{n + 1}.jpg", _photo(1200, 800, n)),
            title=f"Dokumentasi {n + 1}",
            kind="dokumentasi",
            visibility="participants",
            uploaded_by=organizer,
        )
    return meeting, minutes, sessions[0]


if __name__ == "__main__":
    main()
