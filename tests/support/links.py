"""One link of every secret kind, right and wrong: for the tests of the one lookup (core.links)
and of the logs (core.logs)."""

from django.urls import reverse

from attendance import services as attendance_services
from attendance.services import venue_code
from core.secrets import hash_secret, new_secret
from events import feed
from events import services as events_services
from outputs.models import ActionLink, Minutes, ReviewLink
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.outputs.factories import ActionFactory, MinutesFactory

KINDS = ["answer", "progress", "operator", "review", "feed", "venue"]


def every_link_kind() -> dict[str, tuple[str, str]]:
    """{kind: (a right link's path, a wrong one of the same shape)} for one new meeting."""
    meeting = MeetingFactory.create(sessions=1)
    invitation = InvitationFactory.create(meeting=meeting)
    member = invitation.member

    progress = new_secret()
    action = ActionFactory.create(meeting=meeting, responsible_member=member)
    ActionLink.objects.create(action=action, member=member, secret_hash=hash_secret(progress))
    _link, operator = attendance_services.create_operator_link(
        meeting=meeting, label="Meja 1", created_by=None
    )
    review = new_secret()
    minutes = MinutesFactory.create(meeting=meeting, state=Minutes.State.IN_REVIEW)
    ReviewLink.objects.create(minutes=minutes, member=member, secret_hash=hash_secret(review))
    answer = events_services.issue_answer_link(invitation=invitation)
    session = meeting.sessions.get()
    code = venue_code(session=session)
    forged_code = f"{session.pk}-{code.split('-')[1]}-{'0' * 32}"
    return {
        "answer": (
            reverse("events:answer", args=[answer]),
            reverse("events:answer", args=[new_secret()]),
        ),
        "progress": (
            reverse("outputs:action_progress", args=[progress]),
            reverse("outputs:action_progress", args=[new_secret()]),
        ),
        "operator": (
            reverse("attendance:link_scanner", args=[operator]),
            reverse("attendance:link_scanner", args=[new_secret()]),
        ),
        "review": (
            reverse("outputs:review", args=[review]),
            reverse("outputs:review", args=[new_secret()]),
        ),
        "feed": (
            reverse("events:calendar_feed", args=[feed.reset_calendar_feed(member=member)]),
            reverse("events:calendar_feed", args=[new_secret()]),
        ),
        "venue": (
            reverse("attendance:self_checkin", args=[code]),
            reverse("attendance:self_checkin", args=[forged_code]),
        ),
    }
