"""A meeting of several sessions in calendars, as four independent parsers read what was sent: each
session its own event, and after a session moved on its own, one added after sending and one
removed, a calendar that applies the messages in order holds exactly the meeting's sessions."""

import email
from datetime import date

import pytest
from django.core import mail

from events import services
from events.models import Invitation, Meeting
from events.services.meeting_data import SessionData
from outbox.models import OutboxMessage
from tests.events.factories import InvitationFactory, MeetingFactory, local
from tests.events.parsers import PARSERS, read_many
from tests.support.found import payload
from tests.support.meetings import sessions_as_they_are

pytestmark = pytest.mark.django_db


def calendar_files(recipient: str) -> list[bytes]:
    """The calendar file of each email to `recipient`, in the order they were written."""
    files = []
    for row in OutboxMessage.objects.filter(recipient=recipient).order_by("pk"):
        message = email.message_from_bytes(bytes(row.raw))
        [attachment] = [p for p in message.walk() if p.get_filename() == "invite.ics"]
        files.append(payload(attachment))
    return files


def what_each_parser_keeps(files: list[bytes]) -> dict[str, dict[str, tuple]]:
    """{parser: {UID: (start, end, summary)}} a calendar keeps applying `files` in order, each
    read by that parser: a REQUEST newer than what it holds replaces it, a CANCEL removes it."""
    kept: dict[str, dict] = {parser: {} for parser in PARSERS}
    newest: dict[str, dict] = {parser: {} for parser in PARSERS}
    for reads in read_many(files):
        for parser, events in reads.items():
            [event] = events
            assert event.sequence >= newest[parser].get(event.uid, -1), (parser, event.uid)
            newest[parser][event.uid] = event.sequence
            if event.method == "REQUEST":
                kept[parser][event.uid] = (event.start, event.end, event.summary)
            else:
                kept[parser].pop(event.uid, None)
    return kept


def the_sessions(meeting) -> dict[str, tuple]:
    return {
        s.uid: (s.starts_at, s.ends_at, f"{meeting.title} ({s.title})")
        for s in Meeting.objects.get(pk=meeting.pk).sessions.all()
    }


def test_a_moved_an_added_and_a_removed_session_reach_every_parsers_calendar_exactly(
    django_capture_on_commit_callbacks,
):
    meeting = MeetingFactory.create(sessions=2, capacity=None)
    invitation = InvitationFactory.create(meeting=meeting)
    person = invitation.member.email
    with django_capture_on_commit_callbacks(execute=True):
        services.send_invitations(meeting=meeting, invitations=[invitation])
    sent_first = the_sessions(meeting)
    assert what_each_parser_keeps(calendar_files(person)) == {
        parser: sent_first for parser in PARSERS
    }, "two events, one per session, not one block over the night"

    moved = sessions_as_they_are(meeting)
    moved[1]["starts_at"] = local(date(2021, 11, 26), 10)  # the second day, on its own
    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(meeting=Meeting.objects.get(pk=meeting.pk), data={}, sessions=moved)
    assert len(calendar_files(person)) == 3, "only the moved session is sent again"

    added: list[SessionData] = [
        *sessions_as_they_are(meeting),
        {
            "title": "Hari 3",
            "starts_at": local(date(2021, 11, 29), 8),
            "ends_at": local(date(2021, 11, 29), 12),
        },
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(meeting=Meeting.objects.get(pk=meeting.pk), data={}, sessions=added)
    assert len(calendar_files(person)) == 4, "only the added session is sent"
    third = meeting.sessions.get(title="Hari 3")
    assert third.uid not in sent_first, "a new session has a new UID"

    without_first = sessions_as_they_are(meeting)[1:]
    first_uid = meeting.sessions.get(title="Hari 1").uid
    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(
            meeting=Meeting.objects.get(pk=meeting.pk), data={}, sessions=without_first
        )

    files = calendar_files(person)
    assert len(files) == 5, "the removed session is cancelled, nothing else is sent"
    kept = what_each_parser_keeps(files)
    assert kept == {parser: the_sessions(meeting) for parser in PARSERS}
    assert first_uid not in the_sessions(meeting)
    assert set(the_sessions(meeting)) == {
        meeting.sessions.get(title="Hari 2").uid,
        third.uid,
    }


def test_a_change_of_place_reaches_every_session_and_the_withdrawal_cancels_them_all(
    django_capture_on_commit_callbacks,
):
    meeting = MeetingFactory.create(sessions=2, capacity=None)
    invitation = InvitationFactory.create(meeting=meeting)
    person = invitation.member.email
    with django_capture_on_commit_callbacks(execute=True):
        services.send_invitations(meeting=meeting, invitations=[invitation])
    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(
            meeting=Meeting.objects.get(pk=meeting.pk),
            data={"venue": "Hotel Borobudur"},
            sessions=sessions_as_they_are(meeting),
        )
    files = calendar_files(person)
    assert len(files) == 4
    for reads in read_many(files[2:]):
        for parser, [event] in reads.items():
            assert event.location.startswith("Hotel Borobudur"), parser

    mail.outbox.clear()
    services.withdraw_invitation(invitation=invitation, withdrawn_by=None)

    assert what_each_parser_keeps(calendar_files(person)) == {parser: {} for parser in PARSERS}
    assert Invitation.objects.get(pk=invitation.pk).withdrawn_at is not None
