"""Reminders from Celery beat: "see you soon" to those who accepted, "please answer" to those
who have not, once per person and reminder, following the meeting when it moves."""

import email
import re
import threading
from collections import Counter
from datetime import date, timedelta
from email import policy

import icalendar
import pytest
from django.conf import settings
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone, translation

from events import services
from events.models import Invitation, Meeting, ReminderSent
from events.tasks import send_due_reminders as send_due_reminders_task
from outbox.models import Kind, OutboxMessage, State
from tests.events.factories import InvitationFactory, MeetingFactory, local
from tests.members.factories import AgencyFactory
from tests.support.found import found
from tests.support.meetings import TWO_DAYS, form_data
from tests.support.wait import wait_until

Answer = Invitation.Answer
DAY = date(2031, 11, 24)  # a Monday
START = local(DAY, 8)  # 08.00 WIB, the first session
LINK = re.compile(r"https?://[^/\s]+(/a/[A-Za-z0-9_-]+/)")


def before(**delta):
    return START - timedelta(**delta)


INVITED = before(days=10)  # when the invitation emails went out


@pytest.fixture(autouse=True)
def _no_language_leak():
    yield
    translation.deactivate()


@pytest.fixture
def meeting(db):  # noqa: ARG001 (requested for its effect)
    """Published, one day and two hours of reminders (the default), a hybrid meeting."""
    return MeetingFactory.create(
        sessions=1,
        sessions__first_day=DAY,
        mode=Meeting.Mode.HYBRID,
        online_url="https://zoom.us/j/123456789",
    )


def invitee(meeting, answer=Answer.PENDING, *, sent=INVITED, language="en", **fields):
    return InvitationFactory.create(
        meeting=meeting,
        answer=answer,
        invitation_sent_at=sent,
        member__language=language,
        **fields,
    )


def reminders() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=Kind.REMINDER).order_by("pk"))


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(bytes(raw), policy=policy.default)


def text_of(message) -> str:
    """The plain-text body, its no-break spaces ("2\xa0hours") read as spaces."""
    return message.get_body(preferencelist=("plain",)).get_content().replace("\xa0", " ")


def calendar_of(message) -> tuple[icalendar.Calendar, str]:
    alternative, _attachment = message.get_payload()
    _plain, _html, part = alternative.get_payload()
    return icalendar.Calendar.from_ical(part.get_payload(decode=True)), part.get_param("method")


def move_first_session(meeting, *, to):
    session = meeting.sessions.get()
    session.starts_at, session.ends_at = to, to + timedelta(hours=8)
    session.save()
    Meeting.objects.filter(pk=meeting.pk).update(updated_at=timezone.now())


# --- Who gets what, and when -------------------------------------------------------------------


@pytest.mark.django_db
def test_nothing_is_sent_before_the_first_reminder_is_due(meeting):
    invitee(meeting, Answer.YES)

    written = services.send_due_reminders(now=before(hours=24, minutes=1))

    assert written == 0
    assert reminders() == []


@pytest.mark.django_db
def test_a_day_before_those_who_accepted_hear_see_you_soon_and_those_undecided_are_asked(meeting):
    attending = invitee(meeting, Answer.YES)
    undecided = invitee(meeting, Answer.PENDING)
    tentative = invitee(meeting, Answer.MAYBE)
    for answer in (Answer.NO, Answer.REPRESENTED, Answer.WAITLISTED):
        invitee(meeting, answer)
    invitee(meeting, Answer.YES, withdrawn_at=before(days=2))
    invitee(meeting, Answer.PENDING, sent=None)  # invited, but the email has not gone out

    written = services.send_due_reminders(now=before(hours=23, minutes=58))

    sent = {row.recipient: row for row in reminders()}
    assert written == 3
    assert set(sent) == {i.member.email for i in (attending, undecided, tentative)}
    assert sent[attending.member.email].subject.startswith("Reminder: ")
    assert sent[undecided.member.email].subject.startswith("Please answer: ")
    assert sent[tentative.member.email].subject.startswith("Please answer: ")
    assert {row.topic for row in sent.values()} == {f"meeting:{meeting.pk}"}
    undecided_text = text_of(parse(bytes(sent[undecided.member.email].raw)))
    assert "We do not have your answer yet." in undecided_text
    assert "Your answer so far: Tentative." in text_of(
        parse(bytes(sent[tentative.member.email].raw))
    )


@pytest.mark.django_db
def test_the_see_you_soon_reminder_says_when_where_and_how_to_join(meeting, client):
    attending = invitee(meeting, Answer.YES)

    services.send_due_reminders(now=before(hours=2))

    [row] = reminders()
    message = parse(bytes(row.raw))
    text = text_of(message)
    assert message["To"].addresses[0].addr_spec == attending.member.email
    assert message["Subject"].strip() == (
        f"Reminder: {meeting.title} (Monday, 24 November 2031 · 08.00 WIB)"
    )
    assert "it starts in 2 hours, on Monday, 24 November 2031 · 08.00 WIB" in text
    assert "Aula Gedung Kementerian Agama, Jl. M.H. Thamrin No. 6, Jakarta Pusat" in text
    assert "https://zoom.us/j/123456789" in text
    assert client.get(found(LINK, text).group(1)).status_code == 200


@pytest.mark.django_db
def test_a_reminder_is_written_in_the_members_language(meeting):
    invitee(meeting, Answer.YES, language="id")
    invitee(meeting, Answer.YES, language="en")

    services.send_due_reminders(now=before(hours=2))

    by_language = {
        parse(bytes(row.raw))["Content-Language"]: parse(bytes(row.raw)) for row in reminders()
    }
    assert "Senin, 24 November 2031 · 08.00 WIB" in text_of(by_language["id"])
    assert "Monday, 24 November 2031 · 08.00 WIB" in text_of(by_language["en"])


@pytest.mark.django_db
def test_beat_running_twice_sends_each_reminder_once(meeting):
    invitations = [invitee(meeting, Answer.YES), invitee(meeting, Answer.PENDING)]

    first = services.send_due_reminders(now=before(hours=23))
    second = services.send_due_reminders(now=before(hours=22, minutes=55))

    assert (first, second) == (2, 0)
    assert Counter(row.recipient for row in reminders()) == {i.member.email: 1 for i in invitations}
    assert ReminderSent.objects.filter(offset_minutes=24 * 60, first_starts_at=START).count() == 2


@pytest.mark.django_db
def test_the_day_before_and_the_two_hours_before_reminders_each_go_out_once(meeting):
    attending = invitee(meeting, Answer.YES)

    for now in (before(hours=24), before(hours=12), before(hours=2), before(minutes=30)):
        services.send_due_reminders(now=now)

    assert [row.recipient for row in reminders()] == [attending.member.email] * 2
    assert sorted(attending.reminders.values_list("offset_minutes", flat=True)) == [120, 1440]


@pytest.mark.django_db
def test_after_beat_was_down_only_the_latest_due_reminder_goes_out(meeting):
    attending = invitee(meeting, Answer.YES)

    services.send_due_reminders(now=before(hours=1))
    services.send_due_reminders(now=before(minutes=55))

    assert len(reminders()) == 1
    assert list(attending.reminders.values_list("offset_minutes", flat=True)) == [120]


@pytest.mark.django_db
def test_nothing_is_sent_once_the_meeting_has_started_or_when_it_is_not_published(meeting):
    invitee(meeting, Answer.YES)
    cancelled = MeetingFactory.create(
        sessions=1, sessions__first_day=DAY, state=Meeting.State.CANCELLED
    )
    invitee(cancelled, Answer.YES)

    assert services.send_due_reminders(now=START + timedelta(minutes=1)) == 0
    assert services.send_due_reminders(now=before(hours=1)) == 1  # the published one only


@pytest.mark.django_db
def test_someone_invited_after_a_reminders_moment_gets_the_next_one_only(meeting):
    late = invitee(meeting, Answer.PENDING, sent=before(hours=10))

    services.send_due_reminders(now=before(hours=9))
    assert reminders() == []

    services.send_due_reminders(now=before(hours=2))
    assert [row.recipient for row in reminders()] == [late.member.email]


@pytest.mark.django_db
def test_after_the_answer_deadline_only_those_attending_are_reminded(meeting):
    meeting.answer_deadline = before(days=2)
    meeting.save()
    attending = invitee(meeting, Answer.YES)
    invitee(meeting, Answer.PENDING)

    services.send_due_reminders(now=before(hours=2))

    assert [row.recipient for row in reminders()] == [attending.member.email]


@pytest.mark.django_db
def test_a_meeting_moved_later_is_reminded_again_for_its_new_date(meeting):
    attending = invitee(meeting, Answer.YES)
    services.send_due_reminders(now=before(hours=23))
    new_start = START + timedelta(days=3)

    move_first_session(meeting, to=new_start)
    right_after_the_move = services.send_due_reminders(now=before(hours=22))
    for_the_new_date = services.send_due_reminders(now=new_start - timedelta(hours=23))

    assert (right_after_the_move, for_the_new_date) == (0, 1)
    assert set(attending.reminders.values_list("first_starts_at", flat=True)) == {START, new_start}
    assert "Thursday, 27 November 2031" in reminders()[-1].subject


@pytest.mark.django_db
def test_unsent_reminders_follow_a_meeting_moved_earlier(meeting):
    attending = invitee(meeting, Answer.YES)
    new_start = START - timedelta(days=2)

    move_first_session(meeting, to=new_start)
    services.send_due_reminders(now=new_start - timedelta(hours=23))
    at_the_old_time = services.send_due_reminders(now=before(hours=23))

    assert at_the_old_time == 0
    assert [row.recipient for row in reminders()] == [attending.member.email]
    assert attending.reminders.get().first_starts_at == new_start


@pytest.mark.django_db
def test_withdrawn_invitees_get_no_reminder_even_after_they_were_reminded_once(meeting):
    withdrawn = invitee(meeting, Answer.YES)
    services.send_due_reminders(now=before(hours=23))

    Invitation.objects.filter(pk=withdrawn.pk).update(withdrawn_at=before(hours=20))
    services.send_due_reminders(now=before(hours=2))

    assert len(reminders()) == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("settings")
def test_the_reminders_of_a_big_meeting_are_written_in_batches_and_all_once(meeting):
    people = [invitee(meeting, Answer.YES) for _ in range(5)]
    services.reminders.SEND_BATCH_SIZE, saved = 2, services.reminders.SEND_BATCH_SIZE
    try:
        written = services.send_due_reminders(now=before(hours=2))
    finally:
        services.reminders.SEND_BATCH_SIZE = saved

    assert written == 5
    assert Counter(r.recipient for r in reminders()) == {p.member.email: 1 for p in people}


@pytest.mark.django_db
def test_a_run_takes_the_same_few_queries_for_1_or_21_reminders(
    meeting, django_assert_num_queries, django_assert_max_num_queries
):
    invitee(meeting, Answer.YES)
    with django_assert_max_num_queries(13) as few:  # with the one that finds who is owed
        services.send_due_reminders(now=before(hours=23))
    for _ in range(20):
        invitee(meeting, Answer.YES)

    with django_assert_num_queries(len(few.captured_queries)):
        services.send_due_reminders(now=before(hours=2))


@pytest.mark.django_db
@pytest.mark.usefixtures("db")
def test_the_beat_task_sends_what_is_due_now_and_is_scheduled():
    soon = timezone.now() + timedelta(minutes=90)
    meeting = MeetingFactory.create(sessions=0)
    meeting.sessions.create(title="Hari 1", starts_at=soon, ends_at=soon + timedelta(hours=4))
    attending = invitee(meeting, Answer.YES, sent=timezone.now() - timedelta(days=3))

    assert send_due_reminders_task.apply().get() == 1

    assert [row.recipient for row in reminders()] == [attending.member.email]
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "events.tasks.send_due_reminders" in schedule


# --- Concurrency and the real delivery path ----------------------------------------------------


@pytest.mark.timeout(120)
@pytest.mark.django_db(transaction=True)
def test_two_beat_runs_at_the_same_moment_send_each_reminder_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time, so there is no race")
    meeting = MeetingFactory.create(sessions=1, sessions__first_day=DAY)
    people = [invitee(meeting, Answer.YES) for _ in range(30)]
    start = threading.Barrier(4)
    results, errors = [], []

    def beat():
        try:
            start.wait()
            results.append(services.send_due_reminders(now=before(hours=2)))
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=beat) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(results) == 30
    assert Counter(r.recipient for r in reminders()) == {p.member.email: 1 for p in people}


@pytest.mark.timeout(120)
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_worker")
def test_reminders_reach_the_mail_server_once_each_through_the_worker(smtp_sink, client):
    meeting = MeetingFactory.create(
        sessions=2,
        sessions__first_day=DAY,
        mode=Meeting.Mode.HYBRID,
        online_url="https://zoom.us/j/123456789",
        sequence=2,
    )
    attending = invitee(meeting, Answer.YES)
    undecided = invitee(meeting, Answer.PENDING)

    services.send_due_reminders(now=before(hours=2))  # beat, and beat again at once
    services.send_due_reminders(now=before(hours=2))

    received = smtp_sink.wait_for(2)
    wait_until(
        lambda: set(OutboxMessage.objects.values_list("state", flat=True)) == {State.SENT},
        what="all marked sent",
    )
    assert len(smtp_sink.messages) == 2
    by_recipient = {r.rcpt_tos[0]: r.parsed() for r in received}
    assert set(by_recipient) == {attending.member.email, undecided.member.email}
    for invitation, partstat, subject in [
        (attending, "ACCEPTED", "Reminder: "),
        (undecided, "NEEDS-ACTION", "Please answer: "),
    ]:
        message = by_recipient[invitation.member.email]
        calendar, method = calendar_of(message)
        [event] = calendar.events
        [attendee] = event.attendees
        text = text_of(message)
        assert message["Subject"].strip().startswith(subject + meeting.title)
        assert message.get_content_type() == "multipart/mixed"
        assert method == str(calendar["METHOD"]) == "REQUEST"
        first_session = meeting.sessions.earliest("starts_at")
        assert (str(event["UID"]), event.sequence) == (first_session.uid, 2)
        assert str(event["ORGANIZER"]) == f"mailto:{settings.CALENDAR_ORGANIZER_EMAIL}"
        assert str(attendee).lower() == f"mailto:{invitation.member.email}"
        assert (attendee.params["PARTSTAT"], attendee.params["RSVP"]) == (partstat, "TRUE")
        assert "Monday, 24 November 2031 · 08.00–16.00 WIB (Hari 1)" in text
        assert "https://zoom.us/j/123456789" in text
        assert client.get(found(LINK, text).group(1)).status_code == 200


# --- The meeting form --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_organizer_chooses_the_reminders_in_the_meeting_form(organizer_client):
    data = form_data(AgencyFactory.create(), TWO_DAYS) | {
        "meeting-reminder_offsets": ["4320", "60"]
    }

    response = organizer_client.post(reverse("events:meeting_create"), data)

    assert response.status_code == 302
    assert Meeting.objects.get().reminder_offsets == [4320, 60]


@pytest.mark.django_db
def test_a_new_meeting_offers_a_day_and_two_hours_ticked(organizer_client):
    response = organizer_client.get(reverse("events:meeting_create"))

    field = response.context["editor"].form["reminder_offsets"]
    assert sorted(int(value) for value in field.value()) == [120, 1440]


@pytest.mark.django_db
def test_an_unknown_reminder_offset_is_refused_and_nothing_is_saved(organizer_client):
    data = form_data(AgencyFactory.create(), TWO_DAYS) | {"meeting-reminder_offsets": ["99999999"]}

    response = organizer_client.post(reverse("events:meeting_create"), data)

    assert response.status_code == 400
    assert response.context["editor"].form.errors["reminder_offsets"]
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_a_run_with_nothing_left_to_write_takes_two_queries(meeting, django_assert_num_queries):
    invitee(meeting, Answer.YES)
    services.send_due_reminders(now=before(hours=23))

    with django_assert_num_queries(2):  # the meetings due, and who of them is still owed
        assert services.send_due_reminders(now=before(hours=22)) == 0
