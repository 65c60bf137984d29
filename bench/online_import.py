"""Benchmark: a 1,000-row Zoom participants report (rejoins, people without their email, guests)
imported for a session against 800 invitations, as the organizer's pages do it: upload (read
and check), preview (match), import (one transaction).

    .venv/bin/python bench/online_import.py                # a throwaway SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rakor_bench_online \\
        .venv/bin/python bench/online_import.py            # a database whose name says "bench"

On PostgreSQL it drops and creates the database first (its name must contain "bench"). Its
last line is `RESULT rows=1000 matched=… seconds=… queries=…`: time and queries from the
upload to the commit. Target: 2 s; the query count does not grow with the rows
(tests/attendance/test_online_scale.py checks that at two sizes).
"""

import os
import sys
import time

from throwaway import choose_database, recreate_database

ROWS = 1000
INVITATIONS = 800
TARGET_SECONDS = 2.0


def main() -> None:
    throwaway = choose_database()
    if throwaway is None:  # PostgreSQL: a fresh database (the audit trail keeps meetings)
        recreate_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from attendance.models import OnlineAttendance
    from attendance.services import online_import, online_reports
    from tests.attendance.online_world import hybrid_meeting, many_invitees, zoom_report

    call_command("migrate", verbosity=0)
    meeting = hybrid_meeting(title="Bench online import")
    session = meeting.sessions.get()
    people = many_invitees(meeting, INVITATIONS)
    data = zoom_report(people, rows=ROWS)
    print(
        f"database: {connection.vendor}{' (throwaway)' if throwaway else ''} "
        f"{connection.settings_dict['NAME']}"
    )
    print(f"file: {ROWS} rows, {len(data) / 1024:.0f} KiB CSV; {INVITATIONS} invitations")

    queries = {"upload": 0, "preview": 0, "import": 0}
    stage = "upload"

    def count(execute, sql, params, many, context):
        queries[stage] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        draft = online_reports.upload_report(
            session=session, platform="zoom", filename="peserta.csv", data=data, by=None
        )
        uploaded = time.perf_counter()
        stage = "preview"
        preview = online_reports.preview_report(report=draft)
        previewed = time.perf_counter()
        stage = "import"
        result = online_import.import_report(report=draft)
        finished = time.perf_counter()

    if OnlineAttendance.objects.filter(session=session).count() != result.matched:
        sys.exit("the online attendance does not hold every matched person")
    seconds = finished - started
    print(f"upload (read, check, keep): {uploaded - started:.2f} s, {queries['upload']} queries")
    print(f"preview (match): {previewed - uploaded:.2f} s, {queries['preview']} queries")
    print(f"import (one transaction): {finished - previewed:.2f} s, {queries['import']} queries")
    print(
        f"people: matched={len(preview.matched)} ambiguous={len(preview.ambiguous)} "
        f"unknown={len(preview.unknown)} present={result.present} "
        f"target<={TARGET_SECONDS:.0f}s {'ok' if seconds <= TARGET_SECONDS else 'MISSED'}"
    )
    if throwaway:
        connection.close()
        throwaway.cleanup()
    print(
        f"RESULT rows={ROWS} matched={result.matched} seconds={seconds:.2f} "
        f"queries={sum(queries.values())}"
    )


if __name__ == "__main__":
    main()
