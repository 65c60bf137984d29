"""`make run` loads the demo: the 2021 meeting of the model case as history, and its follow-up
three weeks ahead whose invitations go out through the same services and Celery path as the
inviting page."""

import email
from datetime import date, timedelta
from email import policy
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from config.celery import app as celery_app
from events import demo, demo_common, demo_follow_up
from events.models import Invitation, Meeting
from members.demo import load_demo
from outbox.models import Kind, OutboxMessage, State
from tests.support.celery import run_worker
from tests.support.found import present
from tests.support.wait import wait_until

JAKARTA = ZoneInfo("Asia/Jakarta")


def load(django_capture_on_commit_callbacks) -> str:
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", "--force", stdout=out)
    return out.getvalue()


def past() -> Meeting:
    return Meeting.objects.get(title=demo_common.PAST_TITLE)


def follow_up() -> Meeting:
    return Meeting.objects.get(title=demo_common.FOLLOW_UP_TITLE)


def calendar_method(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=policy.default)
    [calendar] = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    return str(calendar.get_param("method"))


@pytest.mark.django_db
def test_the_demo_adds_two_meetings_and_a_second_run_adds_and_sends_nothing(
    django_capture_on_commit_callbacks,
):
    load(django_capture_on_commit_callbacks)
    counts = (Meeting.objects.count(), Invitation.objects.count(), OutboxMessage.objects.count())
    sent = len(mail.outbox)

    load(django_capture_on_commit_callbacks)
    report = demo.load_demo_meetings()

    assert counts[0] == 2
    assert (report.created, report.invitations_sent) == ([], 0)
    assert len(report.existing) == 2
    assert (Meeting.objects.count(), Invitation.objects.count(), OutboxMessage.objects.count()) == (
        counts
    )
    assert len(mail.outbox) == sent


@pytest.mark.django_db
def test_the_past_meeting_is_the_2021_coordination_with_its_answers_and_no_mail(
    django_capture_on_commit_callbacks,
):
    load(django_capture_on_commit_callbacks)
    meeting = past()

    sessions = [
        (s.starts_at.astimezone(JAKARTA), s.ends_at.astimezone(JAKARTA))
        for s in meeting.sessions.all()
    ]
    assert meeting.state == Meeting.State.FINISHED
    assert meeting.mode == Meeting.Mode.IN_PERSON
    assert meeting.host_agency.name == "Sekretariat Badan Litbang dan Diklat"
    assert meeting.letter_number == "B-1234/BD.I/HM.01/11/2021"
    assert "Jakarta" in meeting.address
    assert [(start.strftime("%a %d %b %Y %H.%M"), f"{end:%H.%M}") for start, end in sessions] == [
        ("Thu 25 Nov 2021 08.00", "16.00"),
        ("Fri 26 Nov 2021 08.00", "12.00"),
    ]
    titles = list(meeting.agenda_items.values_list("title", flat=True))
    assert titles[0] == "Pembukaan"
    assert titles[-1] == "Penutup"
    assert "Arahan Sekretaris Badan Litbang dan Diklat" in titles
    assert any("profesionalitas kehumasan" in title for title in titles)
    assert any("Kurikulum dan silabus" in title for title in titles)
    assert any("think tank" in title for title in titles)
    assert present(meeting.chair).full_name == "Muharam Marzuki"
    assert meeting.minute_taker is not None
    assert meeting.organizers.filter(email="panitia@kemenag.go.id").exists()

    invitations = meeting.invitations.all()
    answers = {answer: invitations.filter(answer=answer).count() for answer in Invitation.Answer}
    assert invitations.count() >= 30
    assert invitations.values("member__agency").distinct().count() >= 10
    assert answers[Invitation.Answer.YES] > invitations.count() / 2
    assert answers[Invitation.Answer.NO]
    assert answers[Invitation.Answer.PENDING]
    represented = invitations.get(answer=Invitation.Answer.REPRESENTED)
    assert present(represented.represented_by).member.agency == represented.member.agency
    assert not OutboxMessage.objects.filter(topic=f"meeting:{meeting.pk}").exists()
    assert not any(meeting.title == m.subject for m in mail.outbox)


@pytest.mark.django_db
def test_the_follow_up_is_three_weeks_ahead_hybrid_and_its_invitations_are_emailed(
    django_capture_on_commit_callbacks,
):
    load(django_capture_on_commit_callbacks)
    meeting = follow_up()

    first_day = present(meeting.sessions.first()).starts_at.astimezone(JAKARTA).date()
    today = timezone.localdate()
    assert timedelta(days=21) <= first_day - today <= timedelta(days=24)
    assert first_day.weekday() < 4, "two days from Monday to Thursday: no weekend"
    assert meeting.sessions.count() == 2
    assert meeting.agenda_items.count() >= 5
    assert meeting.state == Meeting.State.PUBLISHED
    assert meeting.mode == Meeting.Mode.HYBRID
    assert meeting.online_url.startswith("https://")
    assert meeting.organizers.filter(email="panitia@kemenag.go.id").exists()
    invitations = meeting.invitations.select_related("member")
    assert invitations.count() >= 20
    assert invitations.values("member__agency").distinct().count() >= 10
    assert not invitations.filter(invitation_sent_at__isnull=True).exists()
    rows = OutboxMessage.objects.filter(topic=f"meeting:{meeting.pk}", kind=Kind.INVITATION)
    assert sorted(rows.values_list("recipient", flat=True)) == sorted(
        2 * [i.member.email for i in invitations]
    ), "an email per person and session"
    mailed = [m for m in mail.outbox if m.to[0] in {r.recipient for r in rows}]
    assert len(mailed) == 2 * invitations.count()
    assert {calendar_method(m.message().as_bytes()) for m in mailed} == {"REQUEST"}


def test_the_follow_up_day_avoids_a_weekend():
    thursday = date(2025, 1, 2)  # + 21 days: a Thursday, two days to Friday

    assert demo_follow_up.follow_up_day(thursday) == date(2025, 1, 23)
    assert demo_follow_up.follow_up_day(date(2025, 1, 3)) == date(2025, 1, 27)  # Friday → Monday


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_broker")
def test_invitations_wait_in_the_broker_until_the_worker_starts_then_arrive_by_smtp(smtp_sink):
    load_demo()
    report = demo.load_demo_meetings()  # commits: the Celery tasks go to the broker
    meeting = follow_up()

    assert report.invitations_sent == meeting.invitations.count() >= 20
    assert not OutboxMessage.objects.exists(), "nothing is built before a worker runs"

    with run_worker(celery_app, pool="threads", concurrency=2):
        # an email per person and session: the follow-up has two
        received = smtp_sink.wait_for(2 * report.invitations_sent, timeout=60)
        wait_until(
            lambda: set(OutboxMessage.objects.values_list("state", flat=True)) == {State.SENT},
            what="all marked sent",
        )

    assert sorted(r.rcpt_tos[0] for r in received) == sorted(
        2 * list(meeting.invitations.values_list("member__email", flat=True))
    )
    assert {calendar_method(r.data) for r in received} == {"REQUEST"}
