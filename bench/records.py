"""Benchmark: the official records of a large meeting, frozen, signed and bundled.

The meeting of bench/reports.py (200 attendees from 40 agencies, two sessions in 2021, 10 agenda
items, draft minutes, 8 photos), with check-ins and signatures on both days. Its sessions ended
long ago, so their signatures are closed; the daftar hadir's certifier and the laporan's
narrative and signer are saved as an organizer saves them (not timed). Then it does, timed, what
an organizer does, through the services the views call, each freezing and signing its record
(PAdES with a test CA's certificate; B-LTA with a timestamp server on 127.0.0.1 unless --no-tsa):

1. close the daftar hadir of each session (attendance.services.close_sheet);
2. approve the minutes (outputs.services.approve_minutes → freeze_notulen: the notulen's PDF,
   with both closed daftar hadir appended as its lampiran, and its DOCX);
3. finalise the laporan (outputs.services.report.finalise_report).

Before, not timed but printed, what a web or Celery process has done once and not per document:
the certificate, the URLconf, WeasyPrint and python-docx loaded (about 0.5 s). It prints each
step's time (and the test timestamp server's share of it), then builds the SPJ bundle through
the service the Celery task calls, and times the public verification page (median of 50 GETs
through Django's test client, the server's own time without a network). `--profile FILE` runs
the freezing under cProfile and prints the time by package and by step (rendering, signing,
the lampiran, the DOCX; the profiler slows it down: the figures are then for comparing, not
the result).

    .venv/bin/python bench/records.py                      # a throwaway SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rakor_bench_records \\
        .venv/bin/python bench/records.py                  # a database whose name says "bench"

WeasyPrint subsets the PDFs' fonts with HarfBuzz when libharfbuzz-subset is installed, else with
fontTools (slower by about 0.1 s per font and document): the first lines say which.
Its last line is `RESULT freeze_sign_s=… bundle_s=… verify_ms=…`; targets 5 s, 3 s, 50 ms.
"""

import argparse
import ctypes.util
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from throwaway import choose_database

TARGETS = {"freeze_sign_s": 5.0, "bundle_s": 3.0, "verify_ms": 50.0}
VERIFY_RUNS = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-tsa", action="store_true", help="sign without a timestamp server")
    parser.add_argument(
        "--profile",
        metavar="FILE",
        default="",
        help="profile the freezing (cProfile, slower): print the time by package and write the "
        "stats to FILE (- for none), for pstats or snakeviz",
    )
    arguments = parser.parse_args()
    throwaway = choose_database()
    # The page is rendered without collectstatic: plain static URLs, as in the tests.
    os.environ["STATICFILES_STORAGE"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    # Each service logs what it froze: the lines below say it with the times.
    for name in (
        "weasyprint",
        "fontTools",
        "pyhanko",
        "pyhanko_certvalidator",
        "attendance",
        "outputs",
        "records",
    ):
        logging.getLogger(name).setLevel(logging.ERROR)
    print(f"load before: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    meeting, minutes = _world()
    pki_folder = tempfile.TemporaryDirectory(prefix="rakor-bench-pki-")
    tsa = _signing(settings, Path(pki_folder.name), with_tsa=not arguments.no_tsa)
    print(
        "fonts subset by "
        + ("HarfBuzz" if ctypes.util.find_library("harfbuzz-subset") else "fontTools (slower)")
    )
    print(
        f"database: {connection.vendor}{' (throwaway)' if throwaway else ''} "
        f"{connection.settings_dict['NAME']}; signing: PAdES "
        f"{'B-LTA, timestamp server on 127.0.0.1' if tsa else 'B-B + LTV, no timestamp server'}"
    )
    figures, code = _freeze_and_sign(meeting, minutes, tsa, arguments.profile)
    figures["bundle_s"] = _bundle(meeting)
    figures["verify_ms"] = _verify(code)
    print(f"load after: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    for name, value in figures.items():
        verdict = "ok" if value <= TARGETS[name] else "MISSED"
        print(f"{name}: {value:.3f} (target {TARGETS[name]}) {verdict}")
    if tsa:
        tsa.stop()
    pki_folder.cleanup()
    if throwaway:
        connection.close()
        throwaway.cleanup()
    print(
        f"RESULT freeze_sign_s={figures['freeze_sign_s']:.2f} "
        f"bundle_s={figures['bundle_s']:.2f} verify_ms={figures['verify_ms']:.1f}"
    )


def _world():
    """bench/reports.py's meeting, with the second day's check-ins and signatures too: each
    person signs as on the first day (drawn on a phone's pad, see bench/reports.py)."""
    from reports import TITLE, _signature, build_meeting

    from attendance.models import CheckIn
    from records.models import AuditEntry, FrozenDocument, RecordFile

    # A previous run's records protect its meeting from the rebuild: they go first.
    documents = FrozenDocument.objects.filter(meeting__title=TITLE)
    files = [
        *documents.values_list("pdf_id", flat=True),
        *documents.values_list("docx_id", flat=True),
    ]
    FrozenDocument.objects.filter(meeting__title=TITLE).update(superseded_by=None)
    documents.delete()
    RecordFile.objects.filter(pk__in=[pk for pk in files if pk]).delete()
    AuditEntry.objects.filter(meeting__title=TITLE).delete()
    meeting, minutes, first = build_meeting(approved=False)
    second = meeting.sessions.exclude(pk=first.pk).get()
    signed_first = dict(
        CheckIn.objects.filter(session=first)
        .exclude(signature=None)
        .values_list("invitation_id", "signature")
    )
    CheckIn.objects.bulk_create(
        CheckIn(
            invitation=invitation,
            session=second,
            at=second.starts_at,
            method=CheckIn.Method.SCAN,
            signature=signed_first.get(invitation.pk) or _signature(invitation.member.full_name),
        )
        for invitation in meeting.invitations.select_related("member")
    )
    return meeting, minutes


def _signing(settings, folder: Path, *, with_tsa: bool):
    """The test CA of the test suite: its signing certificate, its CRL, and its TSA."""
    from tests.records.pki import new_test_pki, timestamp_server

    pki = new_test_pki(folder)
    server = timestamp_server(pki.authority, pki.tsa) if with_tsa else None
    pki.configure(settings, tsa_url=server.url if server else "")
    return server


def _prepared(meeting):
    """What an organizer has done before the records are made (not timed): the daftar hadir's
    certifier, and the laporan's narrative and signer saved. The sessions ended in 2021, so
    their signatures are closed; the minutes are a draft, for the chair to approve."""
    from datetime import date

    from attendance.services import save_sheet_settings
    from attendance.services.sheets import SheetSettingsData
    from outputs.services.report import ReportData, report_for, save_report

    organizer = meeting.organizers.get()
    save_sheet_settings(
        meeting=meeting,
        data=SheetSettingsData(
            signature_grace_minutes=60,
            certifier="ppk",
            certifier_name="Dr. Bench Pejabat Pembuat Komitmen",
            certifier_nip="197001011995031001",
            place="Jakarta",
        ),
        by=organizer,
    )
    draft = report_for(meeting=meeting, by=organizer)
    save_report(
        meeting=meeting,
        data=ReportData(
            background=draft.background,
            purpose=draft.purpose,
            scope=draft.scope,
            basis=draft.basis,
            obstacles=draft.obstacles,
            conclusions=draft.conclusions,
            suggestions=draft.suggestions,
            closing=draft.closing,
            author_name="Bench Penyusun Laporan",
            author_position="Kepala Bagian Hubungan Masyarakat",
            author_nip="198001012005011002",
            place="Jakarta",
            report_date=date(2021, 11, 29),
        ),
        by=organizer,
    )
    return organizer


def _freeze_and_sign(meeting, minutes, tsa, profile: str) -> tuple[dict, str]:
    """What an organizer does, in this order, each step timed: close the daftar hadir of each
    session, approve the minutes (the notulen frozen with the closed sheets as its lampiran),
    finalise the laporan."""
    from datetime import date

    from attendance.services import close_sheet
    from outputs.services import approve_minutes
    from outputs.services.notulen import frozen_notulen
    from outputs.services.report import finalise_report

    organizer = _prepared(meeting)
    chair = minutes.meeting.chair
    steps = [
        (
            f"daftar hadir {session.title} closed",
            lambda session=session: close_sheet(session=session, by=organizer),
        )
        for session in meeting.sessions.order_by("starts_at")
    ]
    steps.append(
        (
            "minutes approved (notulen PDF + DOCX)",
            lambda: frozen_notulen(
                approve_minutes(
                    minutes=minutes,
                    approver_name=chair.full_name,
                    approver_nip=chair.nip,
                    by=organizer,
                    approved_on=date(2021, 11, 27),
                )
            ),
        )
    )
    steps.append(("laporan finalised", lambda: finalise_report(meeting=meeting, by=organizer)))
    _warm_up()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    documents, total, cpu = [], 0.0, 0.0
    for name, step in steps:
        tsa_before = tsa.handler.seconds if tsa else 0.0
        started, cpu_started = time.perf_counter(), time.process_time()
        document = step()
        elapsed = time.perf_counter() - started
        total += elapsed
        cpu += time.process_time() - cpu_started
        assert document.signed, document.signature
        assert document.signature["validation"]["valid"], document.signature
        documents.append(document)
        tsa_s = (tsa.handler.seconds if tsa else 0.0) - tsa_before
        print(
            f"  {name}: {elapsed:.2f} s (the timestamp server {tsa_s:.2f} s); "
            f"{document.pdf_size / 1024:.0f} KiB, {_pages(document)} pages, "
            f"{document.signature['level']}"
        )
    if profiler:
        profiler.disable()
        _print_profile(profiler, profile)
    print(
        f"freeze and sign: {total:.2f} s for {len(documents)} documents ({cpu:.2f} s of CPU in "
        f"this process, the timestamp server's thread included), of which the local test "
        f"timestamp server {tsa.handler.seconds if tsa else 0.0:.2f} s "
        f"({tsa.handler.requests if tsa else 0} timestamps)"
    )
    return {"freeze_sign_s": total}, _code(documents[0])


def _warm_up() -> None:
    """What a web or Celery process has done before it freezes a document, once per process
    and not per document (not timed, but printed): the signing certificate loaded, the URLconf
    loaded (the request that asks for the freeze went through it; the stamp's URL needs it),
    WeasyPrint and python-docx imported and the fonts found (by the PDF it made before), and
    after that first PDF the code it holds moved out of the collector's sight (core.pdf)."""
    started = time.perf_counter()
    import docx  # noqa: F401 - imported for its cost
    from django.urls import reverse

    from core.pdf import html_to_pdf
    from records.signing import configured_signer

    configured_signer()
    reverse("home")
    html_to_pdf("<p>Daftar hadir <b>Hadir</b></p>")
    print(
        f"warm-up, once per process (certificate, URLconf, WeasyPrint and python-docx "
        f"loaded, a first PDF made), not counted: {time.perf_counter() - started:.2f} s"
    )


def _pages(document) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(document.pdf_bytes())).pages)


def _code(document) -> str:
    """The verification code printed on a frozen document (only its hash is stored)."""
    import io
    import re

    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(document.pdf_bytes())).pages[0].extract_text()
    return re.search(r"(?:[0-9A-Z]{4}-){6}[0-9A-Z]{4}", text).group(0)


def _print_profile(profiler, path: str) -> None:
    """--profile: where the time went, by package (the profiler's own cost inflates it)."""
    import pstats

    stats = pstats.Stats(profiler)
    if path != "-":
        stats.dump_stats(path)
    packages: dict[str, float] = {}
    for (filename, _line, _function), row in stats.stats.items():
        parts = Path(filename).parts
        if "site-packages" in parts:
            package = parts[parts.index("site-packages") + 1]
        elif filename.startswith(str(Path(__file__).resolve().parent.parent)):
            package = "rakor"
        else:
            package = "python"
        packages[package] = packages.get(package, 0.0) + row[2]  # the time in its own code
    print("profile, the time in each package's own code:")
    for package, seconds in sorted(packages.items(), key=lambda item: -item[1])[:10]:
        print(f"  {package}: {seconds:.2f} s")
    # The app's steps, each with what it calls.
    steps = {
        ("core/pdf.py", "html_to_pdf"): "rendering the PDFs (WeasyPrint)",
        ("records/signing/local.py", "sign"): "signing and checking the signature (pyHanko)",
        ("core/pdfpages.py", "append_pages"): "appending the lampiran to the notulen",
        ("outputs/exports_docx.py", "notulen_docx"): "the notulen's DOCX",
    }
    print("profile, the app's steps:")
    for (filename, _line, function), row in stats.stats.items():
        for (path, name), label in steps.items():
            if function == name and filename.endswith(path):
                print(f"  {label}: {row[3]:.2f} s in {row[1]} calls")


def _bundle(meeting) -> float:
    from records.models import RecordBundle
    from records.services import build_bundle

    bundle = RecordBundle.objects.create(meeting=meeting)
    started = time.perf_counter()
    bundle = build_bundle(bundle_id=bundle.pk)
    elapsed = time.perf_counter() - started
    print(
        f"bundle: {elapsed:.2f} s, {bundle.size / 1024:.0f} KiB, "
        f"{len(bundle.manifest['files'])} files, missing {len(bundle.manifest['missing'])}"
    )
    bundle.file.delete(save=False)
    return elapsed


def _verify(code: str) -> float:
    from django.test import Client
    from django.urls import reverse

    client = Client(HTTP_HOST="localhost")

    def timed(url: str) -> list[float]:
        assert client.get(url).status_code == 200
        times = []
        for _ in range(VERIFY_RUNS):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        return times

    # The floor on this host right now: the home page, the same base template without a lookup.
    floor = statistics.median(timed(reverse("home")))
    times = timed(reverse("records:verify", kwargs={"code": code}))
    print(
        f"verification page: median {statistics.median(times):.1f} ms, "
        f"p95 {sorted(times)[int(len(times) * 0.95)]:.1f} ms over {VERIFY_RUNS} GETs; "
        f"the home page (floor) {floor:.1f} ms"
    )
    return statistics.median(times)


if __name__ == "__main__":
    main()
