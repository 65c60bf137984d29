"""Invitation, change of time and cancellation, through the real Celery worker to a real SMTP
server: what each invitee's mailbox holds, in order, is what their calendar client reads."""

from datetime import date

import icalendar
import pytest
from django.conf import settings
from django.utils.translation import override

from events import services
from events.models import Meeting
from outbox.models import OutboxMessage, State
from tests.events.factories import InvitationFactory, MeetingFactory, local
from tests.support.wait import wait_until

pytestmark = [
    pytest.mark.worker,
    pytest.mark.timeout(120),
    pytest.mark.django_db(transaction=True),
]


def all_sent() -> bool:
    return set(OutboxMessage.objects.values_list("state", flat=True)) == {State.SENT}


def read(message) -> dict:
    """What a calendar client takes from one email: the text, the MIME method of the
    text/calendar part, and the event."""
    alternative, attachment = message.get_payload()
    plain, _html, part = alternative.get_payload()
    assert attachment.get_payload(decode=True) == part.get_payload(decode=True)
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    [event] = calendar.events
    return {
        "to": message["To"].addresses[0].addr_spec,
        "text": plain.get_content().replace("\r\n", "\n"),  # CRLF on the wire
        "mime_method": part.get_param("method"),
        "method": str(calendar["METHOD"]),
        "uid": str(event["UID"]),
        "sequence": int(event["SEQUENCE"]),
        "status": str(event.get("STATUS", "")),
        "attendees": [str(a).removeprefix("mailto:") for a in _as_list(event.get("ATTENDEE"))],
        "organizer": str(event["ORGANIZER"]),
    }


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def test_each_invitee_gets_the_invitation_then_the_change_then_the_cancellation(
    smtp_sink, celery_worker
):
    meeting = MeetingFactory(sessions=2, capacity=None)
    invitations = [InvitationFactory(meeting=meeting) for _ in range(3)]
    people = {invitation.member.email for invitation in invitations}

    services.send_invitations(meeting=meeting, invitations=invitations)
    smtp_sink.wait_for(3)
    wait_until(all_sent, what="the 3 invitations marked sent")

    sessions = [
        {"pk": s.pk, "title": s.title, "starts_at": s.starts_at, "ends_at": s.ends_at}
        for s in meeting.sessions.order_by("starts_at")
    ]
    sessions[0]["starts_at"] = local(date(2021, 11, 25), 9)
    change = services.update_meeting(meeting=meeting, data={}, sessions=sessions)
    with override(settings.LANGUAGE_CODE):  # the language Rakor writes its emails in
        [changed] = [str(line) for line in change.changes]
    smtp_sink.wait_for(6)
    wait_until(all_sent, what="the 3 updates marked sent")

    services.cancel_meeting(meeting=Meeting.objects.get(pk=meeting.pk))
    smtp_sink.wait_for(9)
    wait_until(all_sent, what="the 3 cancellations marked sent")

    assert changed == "Hari 1: 08.00–16.00 → 09.00–16.00 WIB"
    assert len(smtp_sink.messages) == 9, "nothing arrived twice"
    mailbox = {person: [] for person in people}
    for message in smtp_sink.parsed():
        received = read(message)
        mailbox[received["to"]].append(received)
    for person, (invitation, update, cancellation) in mailbox.items():
        for received in (invitation, update, cancellation):
            assert received["mime_method"] == received["method"]
            assert received["uid"] == meeting.uid
            assert received["attendees"] == [person]
            assert received["organizer"] == f"mailto:{settings.CALENDAR_ORGANIZER_EMAIL}"
        assert (invitation["method"], invitation["sequence"]) == ("REQUEST", 0)
        assert invitation["status"] == "CONFIRMED"
        assert (update["method"], update["sequence"]) == ("REQUEST", 1)
        assert update["status"] == "CONFIRMED"
        assert f"- {changed}\n" in update["text"]
        assert changed not in invitation["text"]
        assert (cancellation["method"], cancellation["sequence"]) == ("CANCEL", 2)
        assert cancellation["status"] == "CANCELLED"
