from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from attendance.demo import load_attendance_demo
from events.demo import load_demo_meetings
from members.demo import ORGANIZER_PASSWORD_ENV, load_demo
from outputs.demo import load_outputs_demo


class Command(BaseCommand):
    help = "Create or update the demo agencies, members and organizer (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even with DEBUG off: the demo organizer's password is printed and public.",
        )

    def handle(self, *args, force=False, **options):
        if not (settings.DEBUG or force):
            raise CommandError(
                _(
                    "DEBUG is off: this looks like a real server, and the demo organizer's "
                    "password is public. Add --force to load the demo anyway."
                )
            )
        report = load_demo()
        self.stdout.write(
            _("Agencies: %(created)d created, %(updated)d updated.")
            % {"created": report.agencies_created, "updated": report.agencies_updated}
        )
        self.stdout.write(
            _("Members: %(created)d created, %(updated)d updated.")
            % {"created": report.members_created, "updated": report.members_updated}
        )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Demo organizer: %(email)s, password %(password)s "
                    "(or sign in with a code sent by email; set %(env)s to choose the password)."
                )
                % {
                    "email": report.organizer_email,
                    "password": report.organizer_password,
                    "env": ORGANIZER_PASSWORD_ENV,
                }
            )
        )
        meetings = load_demo_meetings()
        self.stdout.write(
            _("Meetings: %(created)d created, %(existing)d already there.")
            % {"created": len(meetings.created), "existing": len(meetings.existing)}
        )
        if meetings.invitations_sent:
            self.stdout.write(
                _(
                    "Invitation emails: %(count)d handed to the Celery worker; they land in "
                    "var/mail/ once it runs. The past meeting's answers are history: no mail."
                )
                % {"count": meetings.invitations_sent}
            )
        attendance = load_attendance_demo()
        if attendance.found:
            self.stdout.write(
                _(
                    "Attendance of the past meeting: %(checkins)d check-ins and %(excuses)d "
                    "excuses added."
                )
                % {"checkins": attendance.checkins_created, "excuses": attendance.excuses_created}
            )
        outputs = load_outputs_demo()
        if outputs.found:
            self.stdout.write(
                _(
                    "Outputs of the past meeting: minutes %(minutes)s, %(decisions)d decisions, "
                    "%(actions)d follow-up actions and %(documents)d documents added; "
                    "%(carried)d open actions carried into the follow-up meeting."
                )
                % {
                    "minutes": _("approved") if outputs.minutes_created else _("already there"),
                    "decisions": outputs.decisions_created,
                    "actions": outputs.actions_created,
                    "documents": outputs.documents_created,
                    "carried": outputs.actions_carried,
                }
            )
