"""Processing stopped at the person's request stays stopped: inviting them again, to the meeting
they were withdrawn from or to a new one, invites nobody (UU 27/2022 Art. 40–42)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Invitation
from events.services.invitations import invite_members
from personal_data.models import RightsRequest
from personal_data.services.rights import answer_request, ask, processing_stopped
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def coming():
    return MeetingFactory.create(sessions__first_day=timezone.localdate() + timedelta(days=30))


def test_a_person_who_stopped_processing_is_not_invited_again():
    upcoming = InvitationFactory.create(meeting=coming())
    person, other = upcoming.member, MemberFactory.create()
    request = ask(member=person, kind=RightsRequest.Kind.STOP)
    answer_request(request=request, by=UserFactory.create(is_staff=True), carry_out=True)
    assert Invitation.objects.get(pk=upcoming.pk).withdrawn_at is not None

    again = invite_members(meeting=upcoming.meeting, members=[person, other])
    new = invite_members(meeting=coming(), members=[person])

    assert [i.member for i in again] == [other]
    assert new == []
    assert not Invitation.objects.filter(member=person, withdrawn_at__isnull=True).exists()


def test_a_refused_request_stops_nothing():
    upcoming = InvitationFactory.create(meeting=coming())
    request = ask(member=upcoming.member, kind=RightsRequest.Kind.STOP)
    answer_request(
        request=request, by=UserFactory.create(is_staff=True), carry_out=False, note="SPJ"
    )

    assert invite_members(meeting=coming(), members=[upcoming.member])


def test_inviting_more_people_than_a_statement_holds_parameters_still_leaves_them_out():
    """PostgreSQL takes at most 65,535 parameters in a statement: the ids are asked in batches."""
    person = InvitationFactory.create(meeting=coming()).member
    request = ask(member=person, kind=RightsRequest.Kind.STOP)
    answer_request(request=request, by=UserFactory.create(is_staff=True), carry_out=True)

    assert processing_stopped([*range(person.pk + 1, person.pk + 70_000), person.pk]) == {person.pk}
