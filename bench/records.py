"""Benchmark: the official records of a large meeting, frozen, signed and bundled.

The meeting of bench/reports.py (200 attendees from 40 agencies, two sessions, 10 agenda items,
approved minutes, 8 photos), with check-ins and signatures on both days. It freezes and signs
(PAdES with a test CA's certificate; B-LTA with a timestamp server on 127.0.0.1 unless
--no-tsa) the daftar hadir of both sessions, the notulen and the laporan through
records.services.freeze_document, builds the SPJ bundle through the service the Celery task
calls, and times the public verification page (median of 50 GETs through Django's test client,
the server's own time without a network).

Each document is rendered by the existing renderers (attendance/pdf.py, outputs/exports*.py)
with the verification stamp (QR code, code and URL) appended to its HTML.

    .venv/bin/python bench/records.py                      # a throwaway SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rakor_bench_records \\
        .venv/bin/python bench/records.py                  # a database whose name says "bench"

Its last line is `RESULT freeze_sign_s=… bundle_s=… verify_ms=…`; targets 5 s, 3 s, 50 ms.
"""

import argparse
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
    for name in ("weasyprint", "fontTools", "pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.ERROR)
    print(f"load before: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    meeting, minutes = _world()
    pki_folder = tempfile.TemporaryDirectory(prefix="rakor-bench-pki-")
    tsa = _signing(settings, Path(pki_folder.name), with_tsa=not arguments.no_tsa)
    print(
        f"database: {connection.vendor}{' (throwaway)' if throwaway else ''} "
        f"{connection.settings_dict['NAME']}; signing: PAdES "
        f"{'B-LTA, timestamp server on 127.0.0.1' if tsa else 'B-B + LTV, no timestamp server'}"
    )
    figures, code = _freeze_and_sign(meeting, minutes, tsa)
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
    """bench/reports.py's meeting, with the second day's check-ins and signatures too."""
    from reports import TITLE, build_meeting

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
    meeting, minutes, first = build_meeting()
    second = meeting.sessions.exclude(pk=first.pk).get()
    signature = CheckIn.objects.filter(session=first).exclude(signature=None).first().signature
    CheckIn.objects.bulk_create(
        CheckIn(
            invitation_id=invitation_id,
            session=second,
            at=second.starts_at,
            method=CheckIn.Method.SCAN,
            signature=signature,
        )
        for invitation_id in meeting.invitations.values_list("pk", flat=True)
    )
    return meeting, minutes


def _signing(settings, folder: Path, *, with_tsa: bool):
    """The test CA of the test suite: its signing certificate, its CRL, and its TSA."""
    from tests.records.pki import new_test_pki, timestamp_server

    pki = new_test_pki(folder)
    server = timestamp_server(pki.authority, pki.tsa) if with_tsa else None
    pki.configure(settings, tsa_url=server.url if server else "")
    return server


def _stamped(html: str, stamp) -> bytes:
    from django.conf import settings
    from weasyprint import HTML

    block = (
        f'<div style="margin-top:6mm">{stamp.qr_svg}<br>'
        f"Kode verifikasi {stamp.code}<br>{stamp.url}</div>"
    )
    return HTML(
        string=html.replace("</body>", block + "</body>"), base_url=str(settings.BASE_DIR)
    ).write_pdf()


def _freeze_and_sign(meeting, minutes, tsa) -> tuple[dict, str]:
    from attendance.pdf import daftar_hadir_html
    from outputs.exports import minutes_html
    from outputs.exports_report import activity_report_html
    from outputs.services.report import report_for
    from records.models import FrozenDocument
    from records.services import Rendered, freeze_document
    from records.signing import configured_signer

    Kind = FrozenDocument.Kind
    sessions = list(meeting.sessions.order_by("starts_at"))
    documents = [
        (
            Kind.DAFTAR_HADIR,
            session,
            f"Daftar Hadir {session.title}",
            lambda s=session: daftar_hadir_html(session=s),
        )
        for session in sessions
    ]
    documents.append(
        (Kind.NOTULEN, minutes, "Notulen Rapat", lambda: minutes_html(minutes=minutes))
    )
    documents.append(
        (
            Kind.LAPORAN,
            None,
            "Laporan Kegiatan",
            lambda: activity_report_html(report=report_for(meeting=meeting)),
        )
    )
    organizer = meeting.organizers.first()
    configured_signer()  # loading the certificate happens once per process, not per document
    rendering, codes = [], []
    started = time.perf_counter()
    for kind, subject, title, html in documents:

        def render(stamp, html=html):
            begun = time.perf_counter()
            codes.append(stamp.code)
            pdf = _stamped(html(), stamp)
            rendering.append(time.perf_counter() - begun)
            return Rendered(pdf=pdf)

        document = freeze_document(
            meeting=meeting,
            kind=kind,
            subject=subject,
            title=title,
            signers=[],
            render=render,
            actor=organizer,
            # Approving the minutes (bench/reports.py) froze the notulen's version 1 already.
            reason="bench",
        )
        assert document.signed, document.signature
        assert document.signature["validation"]["valid"], document.signature
        print(
            f"  {title}: {document.pdf_size / 1024:.0f} KiB, {document.signature['level']}, "
            f"rendered in {rendering[-1]:.2f} s"
        )
    total = time.perf_counter() - started
    tsa_s = tsa.handler.seconds if tsa else 0.0
    print(
        f"freeze and sign: {total:.2f} s for {len(documents)} documents, of which rendering "
        f"{sum(rendering):.2f} s and the local test timestamp server {tsa_s:.2f} s "
        f"({tsa.handler.requests if tsa else 0} timestamps); signing, validating and storing "
        f"{total - sum(rendering) - tsa_s:.2f} s"
    )
    return {"freeze_sign_s": total}, codes[0]


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
