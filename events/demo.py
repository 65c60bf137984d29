"""The demo meetings, built from the model case (seed news item of 26 November 2021).

- The past "Koordinasi Pranata Humas Antar K/L" (Jakarta, 25–26 November 2021), hosted by the
  Sekretariat of Balitbang Diklat Kemenag: finished, with its invitations and answers written
  directly as history. No email is sent for it: it took place years ago.
- Both have a final surat undangan (events/services/letters.py), signed by the Sekretaris:
  the 2021 one dated 12 November 2021, the follow-up's today, which its invitations carry.
- Its follow-up three weeks from today, hybrid and published, whose invitations go out exactly
  as the inviting page sends them: services.invite_and_send → Celery batch task → outbox →
  Celery → the mail backend (var/mail/ under `make run`). `load_demo` runs before the worker
  starts; the tasks wait in the broker until it does.

Each meeting is matched by its title and host agency: a second run adds nothing and sends
nothing again (a meeting the organizer edited or cancelled is left as it is).
Call `load_demo_meetings()` after members.demo.load_demo(), which creates the people. The parts:
demo_past.py, demo_follow_up.py and what they share, demo_common.py.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from members.demo_people import ORGANIZER_EMAIL, SEKRETARIAT
from members.models import Agency, Member, User

from .demo_common import FOLLOW_UP_TITLE, PAST_TITLE
from .demo_follow_up import FOLLOW_UP_INVITEES, build_follow_up_meeting
from .demo_past import PAST_INVITEES, build_past_meeting
from .models import Meeting


@dataclass
class DemoMeetingsReport:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    invitations_sent: int = 0  # handed to Celery; the worker writes and sends the emails


@transaction.atomic
def load_demo_meetings(*, today: date | None = None) -> DemoMeetingsReport:
    """Add the two demo meetings unless they exist (title and host agency); the demo
    organizer organizes both. Needs the demo agencies, members and organizer.

    The follow-up's invitations are sent through services.invite_and_send, so the Celery tasks
    start when this transaction commits, as they do from the inviting page.
    """
    report = DemoMeetingsReport()
    organizer = User.objects.get(email__iexact=ORGANIZER_EMAIL)
    host = Agency.objects.get(name__iexact=SEKRETARIAT)
    emails = {email for email, _role, _answer in PAST_INVITEES}
    emails |= {email for group in FOLLOW_UP_INVITEES.values() for email in group}
    members = {m.email.lower(): m for m in Member.objects.filter(email__in=emails)}

    for title, build in (
        (PAST_TITLE, build_past_meeting),
        (FOLLOW_UP_TITLE, build_follow_up_meeting),
    ):
        if Meeting.objects.filter(title=title, host_agency=host).exists():
            report.existing.append(title)
            continue
        report.invitations_sent += build(
            organizer=organizer,
            host=host,
            members=members,
            today=today or timezone.localdate(),
        )
        report.created.append(title)
    return report
