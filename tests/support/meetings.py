"""Meetings as tests need them: one going on now, and the meeting form's data."""

from datetime import timedelta

from django.utils import timezone

from events.services.meeting_data import SessionData
from tests.events.factories import MeetingFactory, SessionFactory


def meeting_going_on_now(**kwargs):
    """A meeting whose only session started an hour ago and ends in six hours."""
    meeting = MeetingFactory.create(sessions=0, **kwargs)
    now = timezone.now()
    SessionFactory.create(
        meeting=meeting,
        title="Hari 1",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=6),
    )
    return meeting


def form_data(agency, sessions, agenda=(), **meeting):
    data = {
        "meeting-title": "Koordinasi Pranata Humas Antar K/L",
        "meeting-description": "Pedoman pelatihan",
        "meeting-host_agency": agency.pk,
        "meeting-mode": "tatap_muka",
        "meeting-venue": "Aula Kemenag",
        "meeting-time_zone": "Asia/Jakarta",
        "meeting-answer_deadline": "2031-11-20T17:00",
        "sessions-TOTAL_FORMS": len(sessions),
        "sessions-INITIAL_FORMS": 0,
        "agenda-TOTAL_FORMS": len(agenda),
        "agenda-INITIAL_FORMS": 0,
    }
    data |= {f"meeting-{name}": value for name, value in meeting.items()}
    for index, (title, day, start, end) in enumerate(sessions):
        data |= {
            f"sessions-{index}-title": title,
            f"sessions-{index}-date": day,
            f"sessions-{index}-start_time": start,
            f"sessions-{index}-end_time": end,
        }
    for index, (time, title, session) in enumerate(agenda):
        data |= {
            f"agenda-{index}-time": time,
            f"agenda-{index}-title": title,
            f"agenda-{index}-session": session,
        }
    return data


TWO_DAYS = [("Hari 1", "2031-11-25", "08:00", "16:00"), ("Hari 2", "2031-11-26", "08:00", "12:00")]


def sessions_as_they_are(meeting) -> list[SessionData]:
    """The meeting's sessions as the meeting services take them back in an edit."""
    return [
        {"pk": s.pk, "title": s.title, "starts_at": s.starts_at, "ends_at": s.ends_at}
        for s in meeting.sessions.order_by("starts_at")
    ]
