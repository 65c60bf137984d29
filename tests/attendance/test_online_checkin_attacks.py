"""Online check-in as an attacker would try it: without the page's CSRF token, for a withdrawn
invitee, twice, on a cancelled meeting."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attendance.models import CheckIn
from events.models import Meeting
from events.services import issue_answer_link
from tests.attendance.factories import AcceptedInvitationFactory
from tests.attendance.online_world import hybrid_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation():
    return AcceptedInvitationFactory.create(meeting=hybrid_meeting())


def during(session, minutes=5):
    return time_machine.travel(session.starts_at + timedelta(minutes=minutes), tick=False)


def test_a_post_without_the_pages_csrf_token_checks_no_one_in(invitation):
    secret = issue_answer_link(invitation=invitation)
    with during(invitation.meeting.sessions.get()):
        response = Client(enforce_csrf_checks=True).post(reverse("attendance:join", args=[secret]))

    assert response.status_code == 403
    assert not CheckIn.objects.exists()


def test_a_withdrawn_invitee_is_not_checked_in(client, invitation):
    secret = issue_answer_link(invitation=invitation)
    invitation.withdrawn_at = timezone.now()
    invitation.save()
    with during(invitation.meeting.sessions.get()):
        client.post(reverse("attendance:join", args=[secret]))

    assert not CheckIn.objects.exists()


def test_pressing_twice_keeps_one_check_in_at_the_first_time(client, invitation):
    session = invitation.meeting.sessions.get()
    secret = issue_answer_link(invitation=invitation)
    with during(session, 5):
        client.post(reverse("attendance:join", args=[secret]))
    with during(session, 40):
        client.post(reverse("attendance:join", args=[secret]))

    checkin = CheckIn.objects.get()
    assert checkin.at == session.starts_at + timedelta(minutes=5)


def test_a_cancelled_meeting_checks_no_one_in(client, invitation):
    Meeting.objects.filter(pk=invitation.meeting_id).update(state=Meeting.State.CANCELLED)
    secret = issue_answer_link(invitation=invitation)
    with during(invitation.meeting.sessions.get()):
        client.post(reverse("attendance:join", args=[secret]))

    assert not CheckIn.objects.exists()
