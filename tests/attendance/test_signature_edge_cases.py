"""Signatures a pad (or a hand-made request) may send that the capture path must not fail on:
a narrow, tall drawing is still a signature, and whatever is refused is refused with a
message, nothing written."""

import base64
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw

from attendance.models import CheckIn, WalkIn
from tests.attendance.factories import AcceptedInvitationFactory
from tests.attendance.test_self_checkin import WALK_IN, code_url, page_pass
from tests.events.factories import MeetingFactory, SessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def meeting(organizer):
    meeting = MeetingFactory.create(sessions=0)
    meeting.organizers.add(organizer)
    return meeting


@pytest.fixture
def session(meeting):
    now = timezone.now()
    return SessionFactory.create(
        meeting=meeting, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=6)
    )


def a_vertical_stroke(width: int = 20, height: int = 3000) -> str:
    """One thin vertical stroke down a tall pad: its ink is 1 pixel wide, `height` tall."""
    pad = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(pad).line([(width // 2, 0), (width // 2, height - 1)], "black", 1)
    drawn = io.BytesIO()
    pad.save(drawn, format="PNG")
    return "data:image/png;base64," + base64.b64encode(drawn.getvalue()).decode()


def test_a_thin_vertical_stroke_on_a_tall_pad_is_answered_at_the_desk(
    organizer_client, meeting, session
):
    checkin = CheckIn.objects.create(
        invitation=AcceptedInvitationFactory.create(meeting=meeting),
        session=session,
        at=timezone.now(),
        method=CheckIn.Method.MANUAL,
    )
    organizer_client.raise_request_exception = False

    response = organizer_client.post(
        reverse("attendance:sign", args=[meeting.pk, checkin.pk]),
        {"signature": a_vertical_stroke()},
    )

    assert response.status_code in (302, 400)  # saved, or refused with a message: not a 500


def test_a_thin_vertical_stroke_on_a_tall_pad_is_answered_on_the_walk_in_page(client, session):
    page = client.get(code_url(session))
    client.raise_request_exception = False

    response = client.post(
        code_url(session),
        {**WALK_IN, "pass": page_pass(page), "signature": a_vertical_stroke(width=1000)},
    )

    assert response.status_code in (200, 400)  # registered, or refused with a message
    assert response.status_code == 200 or not WalkIn.objects.exists()
