from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from events.models import Meeting
from records.bundle import write_bundle
from records.services import record_change

ACTOR = "manage.py export_records"


class Command(BaseCommand):
    help = (
        "Write a meeting's SPJ bundle (frozen records, lists, photos and manifest.json) to a "
        "ZIP file, for scripts and archivists. The file holds personal data: keep it safe."
    )

    def add_arguments(self, parser):
        parser.add_argument("meeting_id", type=int)
        parser.add_argument("--output", required=True, help="The ZIP file to write.")

    def handle(self, *args, meeting_id: int, output: str, **options):
        meeting = Meeting.objects.select_related("host_agency").filter(pk=meeting_id).first()
        if meeting is None:
            raise CommandError(_("No meeting %(id)s.") % {"id": meeting_id})
        target = Path(output)
        partial = target.with_name(target.name + ".partial")
        with partial.open("wb") as file:
            manifest = write_bundle(meeting=meeting, output=file, built_by=ACTOR)
        partial.replace(target)  # a reader never sees half a ZIP
        with transaction.atomic():
            record_change(
                actor=ACTOR,
                meeting=meeting,
                obj=None,
                action="bundle.exported",
                before=None,
                after={"files": len(manifest["files"]), "output": target.name},
            )
        self.stdout.write(
            _("%(count)d files written to %(output)s.")
            % {"count": len(manifest["files"]), "output": target}
        )
        for item in manifest["missing"]:
            self.stdout.write(
                self.style.WARNING(_("Not frozen yet: %(title)s") % {"title": item["title"]})
            )
