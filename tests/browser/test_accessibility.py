"""axe-core on the main pages of every role, in Indonesian: no critical or serious violation
(colour contrast, names of controls, keyboard access to what scrolls, …). Organizers and staff
on a desktop screen and a phone; members, desk operators and the public on a phone."""

import os

import pytest
from django.core.management import call_command
from django.urls import reverse

from attendance.services.operators import create_operator_link
from events.demo_common import FOLLOW_UP_TITLE, PAST_TITLE
from events.models import Invitation, Meeting
from events.services import answer_invitation
from events.services.answer_links import issue_answer_link
from members.demo_people import ORGANIZER_EMAIL
from members.models import User
from outputs.models import Action
from outputs.services.action_links import issue_progress_link
from tests.browser.support import accessibility_problems, sign_in
from tests.events.factories import MeetingFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(settings, live_server):  # noqa: ARG001 (requested for its effect)
    """The demo of `make run`: a past meeting with its attendance, minutes and actions, and an
    upcoming follow-up meeting with its invitations."""
    settings.DEBUG = True  # load_demo refuses otherwise
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)
    settings.DEBUG = False
    return {
        "organizer": User.objects.get(email=ORGANIZER_EMAIL),
        "past": Meeting.objects.get(title=PAST_TITLE),
        "next": Meeting.objects.get(title=FOLLOW_UP_TITLE),
    }


@pytest.fixture(params=["desktop", "phone"])
def screen(request):
    return request.getfixturevalue(request.param)


def assert_accessible(page, paths) -> None:
    problems = []
    for path in paths:
        response = page.goto(path)
        assert response.status in (200, 404), (path, response.status)  # 404: an invalid link
        problems += accessibility_problems(page)
        # A page's own requests (the scanner's list of check-ins, its offline copy) end before
        # the next page, and before the test's database is emptied under the live server.
        page.wait_for_load_state("networkidle")
    page.goto("about:blank")
    assert not problems, "\n".join(problems)


def test_the_organizers_pages_are_accessible(screen, live_server, demo):
    sign_in(screen.context, live_server, demo["organizer"])
    past, upcoming = demo["past"].pk, demo["next"].pk
    assert_accessible(
        screen,
        [
            reverse("home"),
            reverse("events:meeting_list"),
            reverse("events:meeting_create"),
            reverse("events:meeting_detail", args=[upcoming]),
            reverse("events:meeting_edit", args=[upcoming]),
            reverse("events:meeting_invitations", args=[upcoming]),
            reverse("events:meeting_invite", args=[upcoming]),
            reverse("events:meeting_detail", args=[past]),
            reverse("attendance:dashboard", args=[past]),
            reverse("attendance:table", args=[past]),
            reverse("attendance:operators", args=[upcoming]),
            reverse("outputs:minutes", args=[past]),
            reverse("outputs:meeting_actions", args=[past]),
            reverse("outputs:meeting_documents", args=[past]),
            reverse("outputs:decision_search"),
            reverse("outputs:action_tracker"),
            reverse("members:directory"),
            reverse("members:import"),
            reverse("events:profile_calendar"),
            reverse("privacy:phone_use", args=[upcoming]),
        ],
    )


def test_a_members_pages_by_their_links_are_accessible(phone, demo):
    upcoming = demo["next"].invitations.filter(answer=Invitation.Answer.PENDING).order_by("pk")
    pending, attending = upcoming[0], upcoming[1]
    answer_invitation(invitation=attending, answer=Invitation.Answer.YES)  # shows the ticket
    past = demo["past"].invitations.filter(answer=Invitation.Answer.YES).first()
    action = Action.objects.filter(meeting=demo["past"]).exclude(status="selesai").first()
    assert pending
    assert attending
    assert past
    assert action

    assert_accessible(
        phone,
        [
            reverse("events:answer", args=[issue_answer_link(invitation=pending)]),
            reverse("events:answer", args=[issue_answer_link(invitation=attending)]),
            reverse("events:answer", args=[issue_answer_link(invitation=past)]),
            reverse(
                "outputs:action_progress",
                args=[issue_progress_link(action=action, member=past.member)],
            ),
        ],
    )


def test_the_desk_operators_scanner_is_accessible(phone, demo):
    meeting = demo["next"]
    _link, secret = create_operator_link(
        meeting=meeting, label="Meja 1", created_by=demo["organizer"]
    )

    assert_accessible(phone, [reverse("attendance:link_scanner", args=[secret])])


@pytest.mark.usefixtures("live_server")
def test_public_registration_is_accessible(phone):
    meeting = MeetingFactory.create(sessions=2, open_for_registration=True)

    assert_accessible(
        phone,
        [
            reverse("home"),
            reverse("account_login"),
            reverse("account_signup"),
            reverse("events:register", args=[meeting.public_code]),
            "/a/not-a-valid-link/",
            reverse("privacy:notice") + f"?instansi={meeting.host_agency_id}",
        ],
    )


def test_the_staffs_pages_are_accessible(screen, live_server, demo):
    sign_in(screen.context, live_server, UserFactory.create(is_staff=True))

    assert_accessible(
        screen,
        [
            reverse("home"),
            reverse("outbox:list"),
            reverse("events:meeting_detail", args=[demo["past"].pk]),
            reverse("outputs:action_tracker"),
        ],
    )
