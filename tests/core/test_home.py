"""The home page after sign-in: an organizer's upcoming and recent meetings with invited,
answered and present counts, and what needs doing; a member's own meetings with their answer
page one tap away. A fixed number of queries whatever the data."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from attendance.models import CheckIn
from events.models import Invitation, Meeting
from outputs.models import Action, Minutes
from tests.attendance.factories import CheckInFactory
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import MemberFactory, UserFactory
from tests.outputs.factories import ActionFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2021, 11, 20, 2, 0, tzinfo=UTC)  # 09.00 WIB, five days before the meeting


@pytest.fixture(autouse=True)
def english_and_frozen(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with time_machine.travel(NOW, tick=False):
        yield


def home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.text


def build(organizer, people: int):
    """An upcoming meeting with `people` invited (a third answered), and a past one with
    `people` invited, two present, no minutes, and an overdue action."""
    upcoming = MeetingFactory.create(title="Rakor Humas Desember", sessions=2)  # from 25 Nov 2021
    upcoming.organizers.add(organizer)
    past = MeetingFactory.create(
        title="Rakor Humas Oktober", sessions=1, sessions__first_day=date(2021, 10, 14)
    )
    past.organizers.add(organizer)
    for n in range(people):
        InvitationFactory.create(
            meeting=upcoming,
            answer=Invitation.Answer.YES if n % 3 == 0 else Invitation.Answer.PENDING,
        )
        invitation = InvitationFactory.create(meeting=past, answer=Invitation.Answer.YES)
        if n < 2:
            CheckInFactory.create(invitation=invitation, session=past.sessions.get())
    ActionFactory.create(meeting=past, due_date=date(2021, 11, 1))
    ActionFactory.create(meeting=past, due_date=date(2021, 12, 1))  # not due yet
    ActionFactory.create(meeting=past, due_date=date(2021, 11, 1), status=Action.Status.DONE)
    return upcoming, past


def test_an_organizer_sees_their_meetings_with_counts_and_what_needs_doing(
    organizer_client, organizer
):
    _upcoming, past = build(organizer, people=6)
    someone_elses = MeetingFactory.create(title="Rapat Orang Lain")

    page = home(organizer_client)

    assert someone_elses.title not in page
    upcoming_part = page.split('id="upcoming-title"')[1].split('id="recent-title"')[0]
    assert "Rakor Humas Desember" in upcoming_part
    assert "Thursday, 25 November 2021" in upcoming_part
    todo = page.split('id="todo"')[1]
    assert "4 of 6 invitees have not answered" in todo
    assert f"{reverse('outputs:minutes', args=[past.pk])}" in todo
    assert "minutes to write" in todo
    assert "1 follow-up action overdue" in todo


def test_the_counts_are_invited_answered_and_present(client, organizer):
    build(organizer, people=6)
    client.force_login(organizer)

    context = client.get(reverse("home")).context["organizer_home"]

    [shown_upcoming] = context.upcoming
    [shown_past] = context.recent
    assert (shown_upcoming.invited, shown_upcoming.answered, shown_upcoming.present) == (6, 2, 0)
    assert (shown_past.invited, shown_past.answered, shown_past.present) == (6, 6, 2)


def test_minutes_approved_are_no_longer_to_write(organizer_client, organizer):
    _upcoming, past = build(organizer, people=1)
    Minutes.objects.create(meeting=past, state=Minutes.State.APPROVED)

    todo = home(organizer_client).split('id="todo"')[1]

    assert "minutes to write" not in todo


@pytest.mark.parametrize("people", [3, 60])
def test_the_home_page_costs_the_same_queries_whatever_the_data(
    organizer_client, organizer, people, django_assert_max_num_queries
):
    build(organizer, people=people)

    with django_assert_max_num_queries(10):
        home(organizer_client)


def test_a_member_sees_their_own_meetings_and_opens_their_answer_page(client):
    user = UserFactory.create()
    member = MemberFactory.create(user=user, email=user.email)
    mine = InvitationFactory.create(
        member=member, meeting=MeetingFactory.create(title="Rakor Saya")
    )
    InvitationFactory.create(meeting=MeetingFactory.create(title="Rakor Orang Lain"))
    withdrawn = InvitationFactory.create(
        member=member, meeting=MeetingFactory.create(title="Rakor Ditarik"), withdrawn_at=NOW
    )
    draft = MeetingFactory.create(title="Rakor Draf", state=Meeting.State.DRAFT)
    InvitationFactory.create(member=member, meeting=draft)
    client.force_login(user)

    page = home(client)
    opened = client.post(reverse("events:my_answer", args=[mine.pk]), follow=True)

    mine_part = page.split('id="my-meetings"')[1]
    assert "Rakor Saya" in mine_part
    assert "Rakor Orang Lain" not in mine_part
    assert "Rakor Ditarik" not in mine_part
    assert "Rakor Draf" not in mine_part
    assert opened.redirect_chain[0][0].startswith("/a/")
    assert "Invitation for" in opened.text
    assert "Rakor Saya" in opened.text
    assert client.get(reverse("events:my_answer", args=[mine.pk])).status_code == 405
    assert client.post(reverse("events:my_answer", args=[withdrawn.pk])).status_code == 404


def test_nobody_opens_the_answer_page_of_someone_elses_invitation(client):
    other = InvitationFactory.create()
    client.force_login(UserFactory.create())

    assert client.post(reverse("events:my_answer", args=[other.pk])).status_code == 404


def test_signed_out_visitors_are_asked_to_sign_in(client):
    assert reverse("account_login") in home(client)


def test_present_counts_people_once_across_sessions(client, organizer):
    meeting = MeetingFactory.create(sessions=2, sessions__first_day=date(2021, 11, 1))
    meeting.organizers.add(organizer)
    invitation = InvitationFactory.create(meeting=meeting, answer=Invitation.Answer.YES)
    for session in meeting.sessions.all():
        CheckIn.objects.create(
            invitation=invitation, session=session, at=session.starts_at, method="scan"
        )
    client.force_login(organizer)

    [shown] = client.get(reverse("home")).context["organizer_home"].recent

    assert shown.present == 1


def test_every_page_names_an_icon_that_exists(client):
    """Browsers ask for an icon on every page: without one named, each page logged a 404 for
    /favicon.ico in the console."""
    import re

    from django.contrib.staticfiles import finders
    from django.templatetags.static import static

    page = client.get(reverse("account_login")).text

    [href] = re.findall(r'<link rel="icon"[^>]* href="([^"]+)"', page)
    assert href == static("img/scanner-192.png")
    assert finders.find("img/scanner-192.png")
