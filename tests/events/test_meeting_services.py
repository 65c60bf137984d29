from datetime import date

import pytest
from django.utils import translation

from events import services
from events.models import Meeting
from events.services.meeting_data import AgendaItemData
from tests.events.factories import MeetingFactory, local
from tests.members.factories import AgencyFactory, OrganizerFactory, UserFactory
from tests.support.found import present
from tests.support.meetings import sessions_as_they_are

pytestmark = pytest.mark.django_db

DAY_1, DAY_2 = date(2031, 11, 25), date(2031, 11, 26)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def meeting_data(**overrides):
    data = {
        "title": "Koordinasi Pranata Humas Antar K/L",
        "description": "Pedoman pelatihan pranata humas.",
        "host_agency": AgencyFactory.create(name="Sekretariat Balitbang Diklat Kemenag"),
        "mode": Meeting.Mode.IN_PERSON,
        "venue": "Aula Kemenag",
        "time_zone": "Asia/Jakarta",
        "answer_deadline": local(date(2031, 11, 20), 17),
    }
    return data | overrides


def two_days(start_hour=8):
    return [
        {"title": "Hari 1", "starts_at": local(DAY_1, start_hour), "ends_at": local(DAY_1, 16)},
        {"title": "Hari 2", "starts_at": local(DAY_2, 8), "ends_at": local(DAY_2, 12)},
    ]


def test_create_meeting_with_two_sessions_and_agenda_makes_a_draft_its_creator_organizes():
    organizer = OrganizerFactory.create()
    agenda: list[AgendaItemData] = [
        {"title": "Arahan Sesban", "speaker": "Sesban", "starts_at": local(DAY_1, 9), "session": 0},
        {"title": "Kurikulum pelatihan", "moderator": "Iprahumas", "session": 1},
    ]

    meeting = services.create_meeting(
        organizer=organizer, data=meeting_data(), sessions=two_days(), agenda=agenda
    )

    assert meeting.state == Meeting.State.DRAFT
    assert list(meeting.organizers.all()) == [organizer]
    assert [s.title for s in meeting.sessions.all()] == ["Hari 1", "Hari 2"]
    items = list(meeting.agenda_items.order_by("position"))
    assert [(i.title, present(i.session).title) for i in items] == [
        ("Arahan Sesban", "Hari 1"),
        ("Kurikulum pelatihan", "Hari 2"),
    ]


def test_a_session_ending_before_it_starts_is_refused_and_nothing_is_saved():
    sessions = two_days()
    sessions[1]["ends_at"] = local(DAY_2, 7)

    with pytest.raises(services.ScheduleInvalid) as refused:
        services.create_meeting(
            organizer=OrganizerFactory.create(), data=meeting_data(), sessions=sessions
        )

    assert str(refused.value.message) == "Session “Hari 2” ends before it starts."
    assert not Meeting.objects.exists()


def test_an_answer_deadline_after_the_first_session_starts_is_refused():
    data = meeting_data(answer_deadline=local(DAY_1, 9))

    with pytest.raises(services.ScheduleInvalid):
        services.create_meeting(organizer=OrganizerFactory.create(), data=data, sessions=two_days())

    assert not Meeting.objects.exists()


def test_editing_only_the_description_of_a_published_meeting_keeps_its_sequence():
    meeting = MeetingFactory.create(sessions=2, state=Meeting.State.PUBLISHED)

    change = services.update_meeting(
        meeting=meeting,
        data={"description": "Agenda baru", "title": "Judul baru"},
        sessions=sessions_as_they_are(meeting),
    )

    meeting.refresh_from_db()
    assert (meeting.sequence, meeting.description) == (0, "Agenda baru")
    assert change.changes == []
    assert not change.sequence_bumped


def test_moving_a_session_of_a_published_meeting_bumps_sequence_and_says_what_changed():
    meeting = MeetingFactory.create(sessions=2, state=Meeting.State.PUBLISHED)
    sessions = sessions_as_they_are(meeting)
    sessions[0]["starts_at"] = local(date(2021, 11, 25), 9)

    change = services.update_meeting(
        meeting=meeting, data={"venue": "Hotel Borobudur"}, sessions=sessions
    )

    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert change.sequence_bumped
    assert [str(text) for text in change.changes] == [
        "Venue: Aula Gedung Kementerian Agama → Hotel Borobudur",
        "Hari 1: 08.00–16.00 → 09.00–16.00 WIB",
    ]
    assert present(meeting.sessions.order_by("starts_at").first()).starts_at == local(
        date(2021, 11, 25), 9
    )


def test_removing_a_session_of_a_published_meeting_is_a_change():
    meeting = MeetingFactory.create(sessions=2, state=Meeting.State.PUBLISHED)

    change = services.update_meeting(
        meeting=meeting, data={}, sessions=sessions_as_they_are(meeting)[:1]
    )

    assert meeting.sessions.count() == 1
    assert [str(text) for text in change.changes] == [
        "Session Hari 2 removed: Friday, 26 November 2021 · 08.00–16.00 WIB"
    ]


def test_changing_the_time_of_a_draft_bumps_nothing():
    meeting = MeetingFactory.create(sessions=1, state=Meeting.State.DRAFT)
    sessions = sessions_as_they_are(meeting)
    sessions[0]["ends_at"] = local(date(2021, 11, 25), 17)

    change = services.update_meeting(meeting=meeting, data={}, sessions=sessions)

    meeting.refresh_from_db()
    assert meeting.sequence == 0
    assert not change.sequence_bumped


def test_a_draft_is_published_then_cancelled_with_a_new_sequence():
    meeting = MeetingFactory.create(state=Meeting.State.DRAFT)

    services.publish_meeting(meeting=meeting)
    services.cancel_meeting(meeting=meeting)

    meeting.refresh_from_db()
    assert (meeting.state, meeting.sequence) == (Meeting.State.CANCELLED, 1)


@pytest.mark.parametrize(
    ("state", "step"),
    [
        (Meeting.State.PUBLISHED, services.publish_meeting),
        (Meeting.State.CANCELLED, services.publish_meeting),
        (Meeting.State.DRAFT, services.cancel_meeting),
        (Meeting.State.FINISHED, services.cancel_meeting),
        (Meeting.State.CANCELLED, services.finish_meeting),
    ],
)
def test_invalid_transitions_are_refused(state, step):
    meeting = MeetingFactory.create(state=state)

    with pytest.raises(services.InvalidTransition):
        step(meeting=meeting)

    meeting.refresh_from_db()
    assert meeting.state == state


def test_a_co_organizer_is_added_once():
    meeting = MeetingFactory.create()
    user = UserFactory.create()

    services.add_co_organizer(meeting=meeting, user=user)
    services.add_co_organizer(meeting=meeting, user=user)

    assert list(meeting.organizers.all()) == [user]
