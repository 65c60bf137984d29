"""Times typed in the meeting's own zone are taken as typed, or refused: a local time that does not
exist (the night the clocks go forward) or exists twice (the night they go back) is never moved
to another instant without the organizer knowing."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from events.models import Meeting
from tests.members.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def berlin_meeting(day: str, start: str, end: str, **meeting) -> dict:
    """The meeting form as a browser sends it: one session in Europe/Berlin."""
    return {
        "meeting-title": "Koordinasi KBRI Berlin",
        "meeting-host_agency": AgencyFactory.create().pk,
        "meeting-mode": "tatap_muka",
        "meeting-venue": "KBRI Berlin",
        "meeting-time_zone": "Europe/Berlin",
        "sessions-TOTAL_FORMS": 1,
        "sessions-INITIAL_FORMS": 0,
        "sessions-0-title": "Hari 1",
        "sessions-0-date": day,
        "sessions-0-start_time": start,
        "sessions-0-end_time": end,
        "agenda-TOTAL_FORMS": 0,
        "agenda-INITIAL_FORMS": 0,
        **{f"meeting-{name}": value for name, value in meeting.items()},
    }


def test_a_time_the_clocks_skip_is_refused_with_the_reason(organizer_client):
    data = berlin_meeting("2026-03-29", "02:30", "04:00")

    response = organizer_client.post(reverse("events:meeting_create"), data)

    assert response.status_code == 400
    assert (  # in Rakor's language, Indonesian
        "Sesi “Hari 1”: Pukul 02.30 tidak ada pada 29 Maret 2026 di zona Europe/Berlin: "
        "jam dimajukan pada saat itu. Pilih waktu lain."
    ) in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_time_the_clocks_repeat_is_refused_with_the_reason(organizer_client):
    data = berlin_meeting("2026-10-25", "01:00", "02:30")

    response = organizer_client.post(reverse("events:meeting_create"), data)

    assert response.status_code == 400
    assert (
        "Sesi “Hari 1”: Pukul 02.30 terjadi dua kali pada 25 Oktober 2026 di zona "
        "Europe/Berlin: jam dimundurkan pada saat itu. Pilih waktu lain."
    ) in response.content.decode()
    assert not Meeting.objects.exists()


def test_an_answer_deadline_in_the_skipped_hour_is_refused(organizer_client):
    data = berlin_meeting("2026-04-02", "09:00", "12:00", answer_deadline="2026-03-29T02:15")

    response = organizer_client.post(reverse("events:meeting_create"), data)

    assert response.status_code == 400
    assert "Pukul 02.15 tidak ada pada 29 Maret 2026" in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("day", "start", "utc"),
    [
        ("2026-03-29", "03:30", datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),  # just after the jump
        ("2026-10-25", "03:00", datetime(2026, 10, 25, 2, 0, tzinfo=UTC)),  # just after the repeat
        ("2026-07-15", "10:00", datetime(2026, 7, 15, 8, 0, tzinfo=UTC)),  # summer
        ("2026-01-15", "10:00", datetime(2026, 1, 15, 9, 0, tzinfo=UTC)),  # winter
    ],
)
def test_a_time_that_exists_once_is_taken_as_typed(organizer_client, day, start, utc):
    response = organizer_client.post(
        reverse("events:meeting_create"), berlin_meeting(day, start, "23:00")
    )

    assert response.status_code == 302
    assert Meeting.objects.get().sessions.get().starts_at == utc


def test_an_agenda_item_in_the_skipped_hour_is_refused_not_moved(organizer_client):
    data = berlin_meeting("2026-03-29", "00:30", "06:00")
    data.update(
        {
            "agenda-TOTAL_FORMS": 1,
            "agenda-0-time": "02:30",
            "agenda-0-title": "Pembukaan",
            "agenda-0-session": "1",
        }
    )

    response = organizer_client.post(reverse("events:meeting_create"), data)

    assert response.status_code == 400
    assert "Acara nomor 1: Pukul 02.30 tidak ada pada 29 Maret 2026" in response.content.decode()
    assert not Meeting.objects.exists()
