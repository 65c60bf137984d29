"""Joining an online or hybrid meeting from the answer page: "Join and check in" is a POST
during the session's check-in window, records the person as present online and opens the
meeting's link; outside the window, or for someone who may not check in, it is refused."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from attendance.models import CheckIn, ScanAttempt
from events.models import Invitation, Meeting
from events.services import issue_answer_link as new_answer_link
from tests.attendance.factories import AcceptedInvitationFactory
from tests.attendance.online_world import hybrid_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    return hybrid_meeting()


@pytest.fixture
def invitation(meeting):
    return AcceptedInvitationFactory.create(meeting=meeting)


def during(session, minutes=5):
    return time_machine.travel(session.starts_at + timedelta(minutes=minutes), tick=False)


def test_join_and_check_in_records_online_presence_and_opens_the_meeting(client, invitation):
    session = invitation.meeting.sessions.get()
    secret = new_answer_link(invitation=invitation)
    with during(session):
        page = client.get(reverse("events:answer", args=[secret]))
        assert "Join and check in" in page.text or "Gabung dan catat kehadiran" in page.text
        assert not CheckIn.objects.exists()  # showing the page checks no one in

        joined = client.post(reverse("attendance:join", args=[secret]))
        opened = client.get(joined.url)

    checkin = CheckIn.objects.get()
    assert (checkin.invitation, checkin.session, checkin.method) == (invitation, session, "online")
    assert checkin.at == session.starts_at + timedelta(minutes=5)
    assert joined.url == reverse("attendance:joined", args=[secret])
    assert f'data-open-url="{invitation.meeting.online_url}"' in opened.text


def test_a_get_of_the_join_address_checks_no_one_in(client, invitation):
    secret = new_answer_link(invitation=invitation)
    with during(invitation.meeting.sessions.get()):
        response = client.get(reverse("attendance:join", args=[secret]))

    assert response.status_code == 405
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("offset", [timedelta(hours=-3), timedelta(hours=4)])
@pytest.mark.usefixtures("english")
def test_join_is_refused_outside_the_window(client, invitation, offset):
    session = invitation.meeting.sessions.get()
    secret = new_answer_link(invitation=invitation)
    with time_machine.travel(session.starts_at + offset, tick=False):
        response = client.post(reverse("attendance:join", args=[secret]), follow=True)

    assert not CheckIn.objects.exists()
    assert "Online check-in" in response.text
    assert ScanAttempt.objects.get().result == ScanAttempt.Result.WRONG_SESSION


def test_someone_in_the_room_keeps_the_room_check_in(client, invitation):
    session = invitation.meeting.sessions.get()
    room = CheckIn.objects.create(
        invitation=invitation, session=session, at=session.starts_at, method="scan"
    )
    secret = new_answer_link(invitation=invitation)
    with during(session, 30):
        client.post(reverse("attendance:join", args=[secret]))

    assert list(CheckIn.objects.all()) == [room]
    assert CheckIn.objects.get().method == "scan"


def test_the_representative_joins_with_their_own_link_not_the_invitees(client, meeting):
    invitee = AcceptedInvitationFactory.create(
        meeting=meeting, answer=Invitation.Answer.REPRESENTED
    )
    stand_in = AcceptedInvitationFactory.create(meeting=meeting)
    invitee.represented_by = stand_in
    invitee.save()
    session = meeting.sessions.get()
    with during(session):
        client.post(reverse("attendance:join", args=[new_answer_link(invitation=invitee)]))
        client.post(reverse("attendance:join", args=[new_answer_link(invitation=stand_in)]))

    assert list(CheckIn.objects.values_list("invitation", flat=True)) == [stand_in.pk]


def test_an_in_person_meeting_offers_no_online_check_in(client, invitation):
    Meeting.objects.filter(pk=invitation.meeting_id).update(mode=Meeting.Mode.IN_PERSON)
    secret = new_answer_link(invitation=invitation)
    with during(invitation.meeting.sessions.get()):
        page = client.get(reverse("events:answer", args=[secret]))
        client.post(reverse("attendance:join", args=[secret]))

    assert 'id="online-join"' not in page.text
    assert not CheckIn.objects.exists()


@pytest.mark.usefixtures("english")
def test_once_checked_in_the_answer_page_no_longer_promises_to_record_it(client, invitation):
    session = invitation.meeting.sessions.get()
    secret = new_answer_link(invitation=invitation)
    with during(session):
        before = client.get(reverse("events:answer", args=[secret])).text
        client.post(reverse("attendance:join", args=[secret]))
        after = client.get(reverse("events:answer", args=[secret])).text

    assert "Pressing the button records you as present online" in before
    assert "Join the meeting" in after
    assert "records you as present online" not in after
    assert "The button opens the meeting; your check-in is already recorded." in after


def test_someone_checked_in_online_who_then_comes_to_the_room_is_recorded_in_the_room(
    client, invitation, organizer
):
    from attendance import services

    session = invitation.meeting.sessions.get()
    secret = new_answer_link(invitation=invitation)
    with during(session, 5):
        client.post(reverse("attendance:join", args=[secret]))
    with during(session, 40):
        at_the_door = services.check_in_by_hand(
            invitation=invitation, session=session, operator=organizer
        )

    # One check-in, now the room's (they sign the daftar hadir); the online join stays audited.
    checkin = CheckIn.objects.get()
    assert at_the_door.status == ScanAttempt.Result.OK
    assert (checkin.method, checkin.at) == ("manual", session.starts_at + timedelta(minutes=40))
    assert checkin.operator == organizer
    assert ScanAttempt.objects.filter(detail="online check-in", result="ok").exists()
