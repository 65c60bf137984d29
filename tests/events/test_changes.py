"""Changes, cancellation and withdrawal reach the invitees' calendars (RFC 5546, iMIP RFC 6047).

Each test sends the invitations first (so the invitees hold the event), then changes the meeting
through the same services the organizer pages call, and parses the MIME that was sent.
"""

import email
import re
from datetime import UTC, date, datetime
from email import policy

import icalendar
import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils.translation import override

from events import services
from events.models import Invitation, Meeting, SeatOffer
from outbox.models import Kind, OutboxMessage
from tests.events.factories import InvitationFactory, MeetingFactory, local
from tests.members.factories import OrganizerFactory
from tests.support.found import found
from tests.support.meetings import sessions_as_they_are

LINK = re.compile(r"https?://[^/\s]+(/a/[A-Za-z0-9_-]+/)")


def parsed(sent) -> email.message.EmailMessage:
    return email.message_from_bytes(sent.message().as_bytes(), policy=policy.default)


def parts(message) -> tuple[str, icalendar.Calendar, str]:
    """(text body, calendar, the MIME method of the text/calendar part)."""
    alternative, attachment = message.get_payload()
    plain, _html, calendar = alternative.get_payload()
    # The same file twice; the inline part is text, whose line ends are the message's own.
    inline, attached = calendar.get_payload(decode=True), attachment.get_payload(decode=True)
    assert inline.replace(b"\r\n", b"\n") == attached.replace(b"\r\n", b"\n")
    return (
        plain.get_content().replace("\r\n", "\n"),
        icalendar.Calendar.from_ical(attached),
        calendar.get_param("method"),
    )


def attendees(event) -> list:
    found = event.get("ATTENDEE")
    return found if isinstance(found, list) else [found]


def sent_to() -> dict:
    """{recipient: {UID: (text, calendar, method)}} of what is in mail.outbox: an email per
    person and session."""
    result: dict[str, dict] = {}
    for sent in mail.outbox:
        [recipient] = sent.recipients()
        text, calendar, method = parts(parsed(sent))
        [event] = calendar.events
        uid = str(event["UID"])
        assert uid not in result.setdefault(recipient, {}), f"{recipient} got {uid} twice"
        result[recipient][uid] = (text, calendar, method)
    return result


@pytest.fixture
def invited(db, django_capture_on_commit_callbacks):  # noqa: ARG001 (requested for its effect)
    """A published meeting and three invitations, sent; the outbox emptied."""
    meeting = MeetingFactory.create(sessions=2, capacity=None)
    invitations = [InvitationFactory.create(meeting=meeting) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        services.send_invitations(meeting=meeting, invitations=invitations)
    assert len(mail.outbox) == 3 * 2, "an email per person and session"
    mail.outbox.clear()
    return meeting, list(Invitation.objects.filter(meeting=meeting).order_by("pk"))


def test_a_change_of_time_and_place_sends_a_request_with_the_next_sequence_to_everyone(
    invited, client, django_capture_on_commit_callbacks
):
    meeting, invitations = invited
    invitations[1].answer = Invitation.Answer.NO  # declined: still invited, still told
    invitations[1].save()
    sessions = sessions_as_they_are(meeting)
    sessions[0]["starts_at"] = local(date(2021, 11, 25), 9)

    with django_capture_on_commit_callbacks(execute=True):
        change = services.update_meeting(
            meeting=meeting, data={"venue": "Hotel Borobudur"}, sessions=sessions
        )

    assert change.sequence_bumped
    with override(settings.LANGUAGE_CODE):  # the language Rakor writes its emails in
        expected = [str(line) for line in change.changes]
    assert "Aula Gedung Kementerian Agama → Hotel Borobudur" in expected[0]
    assert expected[1] == "Hari 1: 08.00–16.00 → 09.00–16.00 WIB"
    received = sent_to()
    assert set(received) == {i.member.email for i in invitations}
    uids = {session.uid for session in meeting.sessions.all()}
    links = set()
    for emails in received.values():
        assert set(emails) == uids, "a change of place reaches every session's event"
        text, calendar, method = emails[meeting.sessions.earliest("starts_at").uid]
        [event] = calendar.events
        assert method == str(calendar["METHOD"]) == "REQUEST"
        assert int(event["SEQUENCE"]) == 1 == meeting.sequence + 1
        assert str(event["STATUS"]) == "CONFIRMED"
        assert "Hotel Borobudur" in str(event["LOCATION"])
        for line in expected:
            assert f"- {line}\n" in text
        links.add(found(LINK, text).group(1))
    assert len(links) == 3, "each update carries a fresh answer link of its own"
    assert all(client.get(link).status_code == 200 for link in links)
    assert set(OutboxMessage.objects.filter(kind=Kind.UPDATE).values_list("topic", flat=True)) == {
        f"meeting:{meeting.pk}"
    }


def test_a_repeated_update_batch_writes_nothing_twice(invited, django_capture_on_commit_callbacks):
    meeting, invitations = invited
    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(
            meeting=meeting,
            data={"venue": "Hotel Borobudur"},
            sessions=sessions_as_they_are(meeting),
        )
    meeting.refresh_from_db()

    written = services.send_update_batch(
        meeting_id=meeting.pk,
        invitation_ids=[i.pk for i in invitations],
        changes=["Lokasi"],
        since=meeting.updated_at.isoformat(),
    )

    assert written == 0
    assert OutboxMessage.objects.filter(kind=Kind.UPDATE).count() == 3 * 2


def test_editing_only_the_description_sends_nothing_and_keeps_the_sequence(
    invited, django_capture_on_commit_callbacks
):
    meeting, _invitations = invited

    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(
            meeting=meeting,
            data={"description": "Agenda baru"},
            sessions=sessions_as_they_are(meeting),
        )

    meeting.refresh_from_db()
    assert meeting.sequence == 0
    assert mail.outbox == []


def test_the_same_address_sent_back_by_a_browser_with_crlf_changes_nothing(
    invited, django_capture_on_commit_callbacks
):
    meeting, _invitations = invited

    with django_capture_on_commit_callbacks(execute=True):
        change = services.update_meeting(
            meeting=meeting,
            data={"address": meeting.address.replace("\n", "\r\n")},
            sessions=sessions_as_they_are(meeting),
        )

    assert (change.sequence_bumped, change.changes) == (False, [])
    assert mail.outbox == []


def test_cancelling_sends_a_cancel_with_status_cancelled_to_every_invitee_still_invited(
    invited, django_capture_on_commit_callbacks
):
    meeting, invitations = invited
    withdrawn = InvitationFactory.create(meeting=meeting, invitation_sent_at=meeting.created_at)
    withdrawn.withdrawn_at = withdrawn.created_at
    withdrawn.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_meeting(meeting=meeting)

    received = sent_to()
    assert set(received) == {i.member.email for i in invitations}
    uids = {session.uid for session in meeting.sessions.all()}
    for recipient, emails in received.items():
        assert set(emails) == uids
        for _text, calendar, method in emails.values():
            [event] = calendar.events
            assert method == str(calendar["METHOD"]) == "CANCEL"
            assert int(event["SEQUENCE"]) == 1 == meeting.sequence + 1
            assert str(event["STATUS"]) == "CANCELLED"
            [attendee] = attendees(event)
            assert str(attendee).lower() == f"mailto:{recipient}"
    assert OutboxMessage.objects.filter(kind=Kind.CANCELLATION).count() == 3 * 2


def test_a_repeated_cancellation_batch_writes_nothing_twice(
    invited, django_capture_on_commit_callbacks
):
    meeting, invitations = invited
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_meeting(meeting=meeting)
    meeting.refresh_from_db()

    written = services.send_cancellation_batch(
        meeting_id=meeting.pk,
        invitation_ids=[i.pk for i in invitations],
        since=meeting.updated_at.isoformat(),
    )

    assert written == 0
    assert OutboxMessage.objects.filter(kind=Kind.CANCELLATION).count() == 3 * 2


def test_withdrawing_one_invitation_cancels_it_for_that_person_only(
    invited, client, organizer, django_capture_on_commit_callbacks
):
    meeting, invitations = invited
    gone, *others = invitations
    # the fixture cleared mail.outbox: read the invitation's answer link from its outbox row
    row = OutboxMessage.objects.filter(kind=Kind.INVITATION, recipient=gone.member.email)[0]
    invitation_text = parts(email.message_from_bytes(bytes(row.raw), policy=policy.default))[0]
    old_link = found(LINK, invitation_text).group(1)
    assert client.get(old_link).status_code == 200
    meeting.organizers.add(organizer)
    client.force_login(organizer)

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("events:invitation_withdraw", args=[meeting.pk, gone.pk]), follow=False
        )

    assert page.status_code == 302
    gone.refresh_from_db()
    assert gone.withdrawn_at is not None
    received = sent_to()
    assert list(received) == [gone.member.email], "nobody else gets mail"
    assert set(received[gone.member.email]) == {s.uid for s in meeting.sessions.all()}
    for _text, calendar, method in received[gone.member.email].values():
        [event] = calendar.events
        assert method == str(calendar["METHOD"]) == "CANCEL"
        assert "STATUS" not in event
        [attendee] = attendees(event)
        assert str(attendee).lower() == f"mailto:{gone.member.email}"
    client.logout()
    assert client.get(old_link).status_code == 404
    assert all(
        i.withdrawn_at is None for i in Invitation.objects.filter(pk__in=[o.pk for o in others])
    )


@pytest.mark.usefixtures("db")
def test_withdrawing_someone_who_held_a_seat_offers_it_to_the_waiting_list(
    django_capture_on_commit_callbacks,
):
    meeting = MeetingFactory.create(capacity=1)
    seated = InvitationFactory.create(meeting=meeting, answer=Invitation.Answer.YES)
    waiting = InvitationFactory.create(
        meeting=meeting, answer=Invitation.Answer.WAITLISTED, waitlisted_at=meeting.created_at
    )

    with (
        time_machine.travel(datetime(2021, 11, 20, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.withdraw_invitation(invitation=seated, withdrawn_by=None)

    assert SeatOffer.objects.get().invitation == waiting
    # neither invitation was sent: no CANCEL for the withdrawn one, only the offer's email
    assert [sent.recipients() for sent in mail.outbox] == [[waiting.member.email]]


def test_a_get_on_the_withdraw_address_changes_nothing(invited, client, organizer):
    meeting, [invitation, *_rest] = invited
    meeting.organizers.add(organizer)
    client.force_login(organizer)

    page = client.get(reverse("events:invitation_withdraw", args=[meeting.pk, invitation.pk]))

    assert page.status_code == 405
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is None
    assert mail.outbox == []


def test_only_an_organizer_of_the_meeting_can_withdraw(invited, client):
    meeting, [invitation, *_rest] = invited
    client.force_login(OrganizerFactory.create())

    page = client.post(reverse("events:invitation_withdraw", args=[meeting.pk, invitation.pk]))

    assert page.status_code == 403
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is None
    assert Meeting.objects.get(pk=meeting.pk).sequence == 0
