"""Sending invitations: a calendar email per person and session through the outbox, in Celery
batches."""

import email
import re
from collections import Counter
from email import policy

import icalendar
import pytest

from events import services
from events.models import Invitation, Meeting
from events.tasks import send_invitations_batch
from outbox.models import Kind, OutboxMessage, State
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.support.found import found
from tests.support.wait import wait_until

LINK = re.compile(r"https?://[^/\s]+(/a/[A-Za-z0-9_-]+/)")


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(bytes(raw), policy=policy.default)


def parts(message) -> tuple[str, icalendar.Calendar, str]:
    """(text body, calendar, the MIME method of the text/calendar part)."""
    alternative, _attachment = message.get_payload()
    plain, _html, calendar = alternative.get_payload()
    return (
        plain.get_content(),
        icalendar.Calendar.from_ical(calendar.get_payload(decode=True)),
        calendar.get_param("method"),
    )


def answer_path(text: str) -> str:
    return found(LINK, text).group(1)


@pytest.fixture
def meeting(db):  # noqa: ARG001 (requested for its effect)
    return MeetingFactory.create(sessions=2, capacity=None)


def invite(meeting, count: int) -> list[Invitation]:
    return [InvitationFactory.create(meeting=meeting) for _ in range(count)]


@pytest.mark.django_db
def test_three_invitees_get_one_calendar_invitation_each_with_their_own_answer_link(
    meeting, client, django_capture_on_commit_callbacks
):
    invitations = invite(meeting, 3)

    with django_capture_on_commit_callbacks(execute=True):
        handed_over = services.send_invitations(meeting=meeting, invitations=invitations)

    rows = OutboxMessage.objects.filter(kind=Kind.INVITATION, topic=f"meeting:{meeting.pk}")
    assert handed_over == 3
    assert sorted(rows.values_list("recipient", flat=True)) == sorted(
        2 * [i.member.email for i in invitations]
    ), "an email per session"
    paths = set()
    uids: Counter[str] = Counter()
    for row in rows:
        text, calendar, method = parts(parse(bytes(row.raw)))
        [event] = calendar.events
        [attendee] = event.attendees if isinstance(event.attendees, list) else [event.attendees]
        assert method == str(calendar["METHOD"]) == "REQUEST"
        uids[str(event["UID"])] += 1
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert attendee.params["RSVP"] == "TRUE"
        assert str(attendee).lower() == f"mailto:{row.recipient}"
        path = answer_path(text)
        assert path not in event.to_ical().decode(), "no secret link in a calendar entry"
        paths.add(path)
        page = client.get(path)
        assert page.status_code == 200
        assert meeting.title in page.content.decode()
    assert len(paths) == 3, "each person has a link of their own"
    assert uids == {session.uid: 3 for session in meeting.sessions.all()}
    assert not Invitation.objects.filter(meeting=meeting, invitation_sent_at__isnull=True).exists()


@pytest.mark.django_db
def test_sending_again_sends_only_to_those_not_yet_invited(
    meeting, django_capture_on_commit_callbacks
):
    first = invite(meeting, 2)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_invitations(meeting=meeting, invitations=first)
    later = invite(meeting, 1)

    with django_capture_on_commit_callbacks(execute=True):
        handed_over = services.send_invitations(meeting=meeting, invitations=first + later)

    assert handed_over == 1
    assert Counter(OutboxMessage.objects.values_list("recipient", flat=True)) == Counter(
        {i.member.email: 2 for i in first + later}
    )


@pytest.mark.django_db
def test_a_batch_task_that_runs_twice_writes_each_email_once(meeting):
    invitations = invite(meeting, 3)
    ids = [i.pk for i in invitations]

    send_invitations_batch(meeting.pk, ids)
    send_invitations_batch(meeting.pk, ids)

    assert OutboxMessage.objects.count() == 3 * 2


@pytest.mark.django_db
@pytest.mark.usefixtures("db")
def test_a_draft_meeting_sends_nothing():
    meeting = MeetingFactory.create(state=Meeting.State.DRAFT)
    invitations = invite(meeting, 1)

    with pytest.raises(services.MeetingNotPublished):
        services.send_invitations(meeting=meeting, invitations=invitations)

    assert (
        services.send_invitation_batch(meeting_id=meeting.pk, invitation_ids=[invitations[0].pk])
        == 0
    )
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_withdrawn_invitations_are_not_sent(meeting, django_capture_on_commit_callbacks):
    [kept, withdrawn] = invite(meeting, 2)
    withdrawn.withdrawn_at = withdrawn.created_at
    withdrawn.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.send_invitations(meeting=meeting, invitations=[kept, withdrawn])

    assert list(OutboxMessage.objects.values_list("recipient", flat=True)) == 2 * [
        kept.member.email
    ]


@pytest.mark.django_db
def test_a_batch_takes_the_same_number_of_queries_for_3_or_25_invitations(
    meeting, django_assert_num_queries, django_assert_max_num_queries
):
    # 25 invitations of two sessions: 50 outbox rows, which SQLite still inserts at once (its 999
    # parameters per statement hold 58 rows of 17 columns).
    small, large = invite(meeting, 3), invite(meeting, 25)

    # (on PostgreSQL the meeting held FOR SHARE,) meeting, sessions, agenda, invitations,
    # whom they represent, links, outbox rows, mark sent (+ savepoints)
    with django_assert_max_num_queries(13) as few:
        services.send_invitation_batch(meeting_id=meeting.pk, invitation_ids=[i.pk for i in small])
    with django_assert_num_queries(len(few.captured_queries)):
        services.send_invitation_batch(meeting_id=meeting.pk, invitation_ids=[i.pk for i in large])


@pytest.mark.worker
@pytest.mark.timeout(120)
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_worker")
def test_invitations_go_through_the_worker_to_the_mail_server_and_their_link_answers(
    smtp_sink, client
):
    meeting = MeetingFactory.create(sessions=1)
    invitations = invite(meeting, 3)

    services.send_invitations(meeting=meeting, invitations=invitations)

    received = smtp_sink.wait_for(3)
    wait_until(
        lambda: set(OutboxMessage.objects.values_list("state", flat=True)) == {State.SENT},
        what="all marked sent",
    )
    assert len(smtp_sink.messages) == 3
    by_recipient = {r.rcpt_tos[0]: r.parsed() for r in received}
    first = invitations[0]
    text, calendar, method = parts(by_recipient[first.member.email])
    assert method == str(calendar["METHOD"]) == "REQUEST"

    page = client.post(answer_path(text), {"answer": "yes"})

    assert page.status_code == 302
    first.refresh_from_db()
    assert first.answer == Invitation.Answer.YES
