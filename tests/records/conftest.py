import pytest

from tests.events.factories import MeetingFactory
from tests.outputs.factories import MinutesFactory


@pytest.fixture
def meeting(db, organizer):
    meeting = MeetingFactory(sessions=2)
    meeting.organizers.add(organizer)
    return meeting


@pytest.fixture
def minutes(meeting):
    return MinutesFactory(meeting=meeting)
