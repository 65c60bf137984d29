"""Two organizers and an invitee of the first: the world of the privacy scope tests."""

import pytest
from django.conf import settings

from tests.attendance.factories import CheckInFactory, signature_png
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import AgencyFactory, MemberFactory, OrganizerFactory
from tests.privacy.scope_world import SITI_NIP


@pytest.fixture
def first_meeting(organizer):
    """The first organizer's meeting, with Siti invited and checked in with a signature."""
    meeting = MeetingFactory.create(sessions=1)
    meeting.organizers.add(organizer)
    return meeting


@pytest.fixture
def siti(first_meeting):
    siti = MemberFactory.create(
        full_name="Siti Rahmawati",
        email="siti.rahmawati@kemenag.go.id",
        nip=SITI_NIP,
        phone="+6281311112222",
        position="Pranata Humas Ahli Muda",
        rank="IV/e",
        agency=AgencyFactory.create(name="Kementerian Agama", acronym="Kemenag"),
    )
    invitation = InvitationFactory.create(meeting=first_meeting, member=siti, answer="yes")
    CheckInFactory.create(invitation=invitation, signature=signature_png())
    return siti


@pytest.fixture
def second(client):
    """Another organizer, of their own meeting, from another agency."""
    user = OrganizerFactory.create()
    MemberFactory.create(
        user=user, email=user.email, agency=AgencyFactory.create(name="Badan Pusat Statistik")
    )
    MeetingFactory.create(sessions=1).organizers.add(user)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return user
