"""`python manage.py personal_data purge [--dry-run]`: delete or pseudonymise what is past its
retention (as beat does hourly), or list what would go, by class and count.
`python manage.py personal_data affected --since … --until …`: the people whose data the
accesses of a window showed (after a breach, whom to tell: UU 27/2022 Art. 46).
`python manage.py personal_data export --email ADDRESS [--format json|csv] [--output FILE]`:
the person's data as "Data saya" exports it, for a data-protection officer answering a letter.
"""

import sys
from datetime import datetime, time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from core.dates import export_local
from members.models import Member
from personal_data import exports, selectors
from personal_data.models import Access
from personal_data.services import record_access, retention


def moment(value: str) -> datetime:
    """An ISO date or date-time; without a zone, in TIME_ZONE."""
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"Not an ISO date or date-time: {value!r}")
        return timezone.make_aware(datetime.combine(day, time.min))
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


class Command(BaseCommand):
    help = (
        "Personal data: purge what is past its retention, list whom a breach affected, "
        "export a person's data."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        purge = commands.add_parser("purge", help="Delete or pseudonymise what is due.")
        purge.add_argument("--dry-run", action="store_true", help="Only list what would go.")
        affected = commands.add_parser("affected", help="People an access window touched.")
        zone_help = (
            "ISO date or date-time, e.g. 2026-03-01T08:00; without an offset (+07:00, Z) it is "
            f"read in TIME_ZONE ({settings.TIME_ZONE})."
        )
        affected.add_argument("--since", required=True, type=moment, help=zone_help)
        affected.add_argument("--until", required=True, type=moment, help=zone_help)
        export = commands.add_parser("export", help="One person's data.")
        export.add_argument("--email", required=True)
        export.add_argument("--format", choices=exports.FORMATS, default="json")
        export.add_argument("--output", help="A file to write (default: standard output).")

    def handle(self, *args, command, **options):
        getattr(self, command)(**options)

    def purge(self, *, dry_run, **options):
        if dry_run:
            for name, count in retention.due_counts().items():
                self.stdout.write(f"{name}\t{count}")
            return
        log = retention.purge()
        for entry in log:
            self.stdout.write(f"{entry.data_class}\t{entry.count}\t{entry.rule}")
        if not log:
            self.stdout.write("Nothing is past its retention.")

    def affected(self, *, since, until, **options):
        if until <= since:
            raise CommandError("--until must be after --since.")
        people = selectors.affected(since=since, until=until)
        self.stdout.write("member_id\tname\temail\tagency")
        for member in people:
            self.stdout.write(f"{member.pk}\t{member.full_name}\t{member.email}\t{member.agency}")
        zone = timezone.get_current_timezone_name()
        self.stderr.write(
            f"{len(people)} people whose data was shown from {export_local(since, zone)} "
            f"until {export_local(until, zone)} ({zone})"
        )

    def export(self, *, email, format, output, **options):
        member = Member.objects.filter(email__iexact=email.strip()).first()
        if member is None:
            raise CommandError(f"No person with the email address {email}.")
        content = exports.export_bytes(selectors.person_data(member=member), format)
        record_access(request=None, what=Access.OWN_EXPORT, people=[member.pk], label="manage.py")
        if output:
            with open(output, "wb") as file:
                file.write(content)
            self.stderr.write(f"Written to {output}")
        else:
            sys.stdout.buffer.write(content)
