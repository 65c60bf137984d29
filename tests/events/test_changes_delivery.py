"""Invitation, changes, withdrawal, re-invitation and cancellation, through the real Celery worker
to a real SMTP server: what each invitee's mailbox holds, in order, is what their calendar client
reads, and a strict client that applies only newer messages (RFC 5546 §2.1.4) ends up holding
exactly the meeting's sessions."""

from datetime import UTC, date

import icalendar
import pytest
from django.conf import settings
from django.utils.translation import override

from events import services
from events.models import Invitation, Meeting
from events.services.meeting_data import SessionData
from outbox.models import OutboxMessage, State
from tests.events.factories import InvitationFactory, MeetingFactory, local
from tests.support.found import moment
from tests.support.meetings import sessions_as_they_are
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
    start = moment(event.start).astimezone(UTC)
    return {
        "to": message["To"].addresses[0].addr_spec,
        "text": plain.get_content().replace("\r\n", "\n"),  # CRLF on the wire
        "mime_method": part.get_param("method"),
        "method": str(calendar["METHOD"]),
        "uid": str(event["UID"]),
        "sequence": event.sequence,
        "status": str(event.get("STATUS", "")),
        "start": start,
        "attendees": [str(a).removeprefix("mailto:") for a in _as_list(event.get("ATTENDEE"))],
        "organizer": str(event["ORGANIZER"]),
    }


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def strict_client(conversation: list[dict]) -> dict[str, tuple]:
    """What a calendar that applies only messages newer than what it holds keeps of a
    conversation read in order: {UID: (start, SEQUENCE)}."""
    held: dict[str, tuple] = {}
    last: dict[str, int] = {}
    for message in conversation:
        uid, sequence = message["uid"], message["sequence"]
        assert sequence > last.get(uid, -1), f"{message['method']} of {uid} is not newer"
        last[uid] = sequence
        if message["method"] == "REQUEST":
            held[uid] = (message["start"], sequence)
        else:
            held.pop(uid, None)
    return held


@pytest.mark.usefixtures("celery_worker")
def test_every_message_to_a_person_is_newer_and_their_calendar_holds_exactly_the_sessions(
    smtp_sink,
):
    meeting = MeetingFactory.create(sessions=2, capacity=None)
    invitations = [InvitationFactory.create(meeting=meeting) for _ in range(3)]
    andi = invitations[0]
    people = {invitation.member.email for invitation in invitations}

    def holds_the_meeting(held) -> bool:
        return {uid: start for uid, (start, _sequence) in held.items()} == {
            s.uid: s.starts_at for s in meeting.sessions.all()
        }

    services.send_invitations(meeting=meeting, invitations=invitations)
    smtp_sink.wait_for(6)  # an email per person and session
    wait_until(all_sent, what="the invitations marked sent")

    moved = sessions_as_they_are(meeting)
    moved[0]["starts_at"] = local(date(2021, 11, 25), 9)  # the first session, on its own
    change = services.update_meeting(meeting=meeting, data={}, sessions=moved)
    with override(settings.LANGUAGE_CODE):  # the language Rakor writes its emails in
        [changed] = [str(line) for line in change.changes]
    smtp_sink.wait_for(9)
    wait_until(all_sent, what="the updates of the first session marked sent")

    third: SessionData = {
        "title": "Hari 3",
        "starts_at": local(date(2021, 11, 27), 8),
        "ends_at": local(date(2021, 11, 27), 12),
    }
    added = [*sessions_as_they_are(meeting), third]
    services.update_meeting(meeting=Meeting.objects.get(pk=meeting.pk), data={}, sessions=added)
    smtp_sink.wait_for(12)
    wait_until(all_sent, what="the new session marked sent")

    services.withdraw_invitation(invitation=andi, withdrawn_by=None)
    smtp_sink.wait_for(15)
    wait_until(all_sent, what="the withdrawal marked sent")
    withdrawn = [
        read(m) for m in smtp_sink.parsed() if m["To"].addresses[0].addr_spec == andi.member.email
    ]
    assert strict_client(withdrawn) == {}, "the withdrawal takes every session out"

    services.invite_and_send(meeting=meeting, members=[andi.member])
    smtp_sink.wait_for(18)
    wait_until(all_sent, what="the new invitation marked sent")
    mailbox: dict[str, list[dict]] = {person: [] for person in people}
    for message in smtp_sink.parsed():
        received = read(message)
        mailbox[received["to"]].append(received)
    for conversation in mailbox.values():
        assert holds_the_meeting(strict_client(conversation))

    services.cancel_meeting(meeting=Meeting.objects.get(pk=meeting.pk))
    smtp_sink.wait_for(27)
    wait_until(all_sent, what="the cancellations marked sent")

    assert changed == "Hari 1: 08.00–16.00 → 09.00–16.00 WIB"
    assert len(smtp_sink.messages) == 27, "nothing arrived twice"
    mailbox = {person: [] for person in people}
    for message in smtp_sink.parsed():
        received = read(message)
        mailbox[received["to"]].append(received)
        assert received["mime_method"] == received["method"]
        assert received["attendees"] == [received["to"]]
        assert received["organizer"] == f"mailto:{settings.CALENDAR_ORGANIZER_EMAIL}"
    for person, conversation in mailbox.items():
        assert strict_client(conversation) == {}, "the cancellation takes every session out"
        steps = [(m["method"], m["status"], m["sequence"]) for m in conversation]
        sequences = [sequence for _method, _status, sequence in steps]
        assert sequences == sorted(sequences), "read in order, each message is no older"
        if person != andi.member.email:
            assert steps == [
                *[("REQUEST", "CONFIRMED", 0)] * 2,
                ("REQUEST", "CONFIRMED", 1),  # the first session moved, on its own
                ("REQUEST", "CONFIRMED", 2),  # the third session, added after sending
                *[("CANCEL", "CANCELLED", 5)] * 3,
            ]
            update = conversation[2]
            assert f"- {changed}\n" in update["text"]
            assert changed not in conversation[0]["text"]
    andis = [(m["method"], m["status"], m["sequence"]) for m in mailbox[andi.member.email]]
    assert andis == [
        *[("REQUEST", "CONFIRMED", 0)] * 2,
        ("REQUEST", "CONFIRMED", 1),
        ("REQUEST", "CONFIRMED", 2),
        *[("CANCEL", "", 3)] * 3,  # withdrawn: a CANCEL naming Andi, no STATUS
        *[("REQUEST", "CONFIRMED", 4)] * 3,  # invited again: newer than the CANCEL
        *[("CANCEL", "CANCELLED", 5)] * 3,
    ]
    assert Invitation.objects.get(pk=andi.pk).withdrawn_at is None
