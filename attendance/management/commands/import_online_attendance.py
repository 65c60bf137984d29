"""python manage.py import_online_attendance SESSION_ID FILE [--platform zoom|meet|teams]
[--dry-run]: the organizers' report import from the command line
(attendance/services/online_import.py, the same service as the page). People the report names
ambiguously or who are not invited are counted and left out: choosing among them is the page's."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from attendance.models import OnlineReport
from attendance.services import online_import, online_reports
from events.models import Session


class Command(BaseCommand):
    help = "Import a Zoom, Google Meet or Microsoft Teams participant report for a session."

    def add_arguments(self, parser):
        parser.add_argument("session_id", type=int)
        parser.add_argument("file", type=Path)
        parser.add_argument("--platform", choices=[p.value for p in OnlineReport.Platform])
        parser.add_argument(
            "--dry-run", action="store_true", help="Read and match only; write nothing."
        )

    def handle(self, *args, session_id, file, platform, dry_run, **options):
        session = Session.objects.select_related("meeting").filter(pk=session_id).first()
        if session is None:
            raise CommandError(f"No session {session_id}.")
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        try:
            preview, result = online_import.import_file(
                session=session, filename=file.name, data=data, platform=platform, dry_run=dry_run
            )
        except online_reports.ReportError as refused:
            raise CommandError(str(refused.message)) from None
        counts = preview.counts
        self.stdout.write(
            f"matched={counts['matched']} ambiguous={counts['ambiguous']} "
            f"unknown={counts['unknown']} threshold={preview.threshold}min"
        )
        for line in preview.ambiguous:
            names = ", ".join(f"{c.name} ({c.agency})" for c in line.candidates)
            self.stdout.write(f"  ambiguous: {line.name} -> {names}")
        for line in preview.unknown:
            self.stdout.write(f"  unknown: {line.name} {line.email}".rstrip())
        if result is None:
            self.stdout.write("dry run: nothing written")
        else:
            self.stdout.write(
                f"imported: {result.present} newly present online, {result.evidence} already "
                f"checked in with online evidence (report #{result.report.pk} kept)"
            )
