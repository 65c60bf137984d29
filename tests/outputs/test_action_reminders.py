"""Reminders about follow-up actions from Celery beat: before the due date and when overdue,
once each, to the responsible person or the invited members of the responsible agency."""

import email
import re
import threading
from collections import Counter
from datetime import date, timedelta
from email import policy

import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import translation

from outbox.models import Kind, OutboxMessage, State
from outputs import services
from outputs.models import Action, ActionReminderSent
from outputs.tasks import send_action_reminders as send_action_reminders_task
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import AgencyFactory, MemberFactory
from tests.outputs.factories import ActionFactory
from tests.support.found import body, found
from tests.support.wait import wait_until

Status = Action.Status
DUE = date(2022, 1, 31)
LINK = re.compile(r"https?://[^/\s]+(/actions/p/[A-Za-z0-9_-]+/)")
SCRIPT = '<script>alert("x")</script>'


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def kemenag(db):  # noqa: ARG001 (requested for its effect)
    return AgencyFactory.create(name="Kementerian Agama", acronym="Kemenag")


@pytest.fixture
def owner(kemenag):
    return MemberFactory.create(full_name="Siti Rahmawati", agency=kemenag, language="en")


def reminders() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=Kind.ACTION).order_by("pk"))


def parsed(row: OutboxMessage) -> email.message.EmailMessage:
    return email.message_from_bytes(bytes(row.raw), policy=policy.default)


def text_of(message) -> str:
    return body(message)


@pytest.mark.django_db
def test_three_days_before_the_due_date_the_owner_is_reminded_once(owner):
    action = ActionFactory.create(responsible_member=owner, due_date=DUE)

    first = services.send_action_reminders(today=DUE - timedelta(days=3))
    again = services.send_action_reminders(today=DUE - timedelta(days=3))  # beat runs twice
    next_day = services.send_action_reminders(today=DUE - timedelta(days=2))

    assert (first, again, next_day) == (1, 0, 0)
    [row] = reminders()
    message = parsed(row)
    assert row.recipient == owner.email
    assert message["Subject"].startswith("Due on 31 January 2022: ")
    link = found(LINK, text_of(message))[1]
    assert services.action_for_secret(link.split("/")[-2]) == action
    assert ActionReminderSent.objects.get().kind == ActionReminderSent.Kind.BEFORE_DUE


@pytest.mark.django_db
def test_nothing_is_sent_a_week_before_or_on_the_due_date(owner):
    ActionFactory.create(responsible_member=owner, due_date=DUE)

    assert services.send_action_reminders(today=DUE - timedelta(days=7)) == 0
    assert services.send_action_reminders(today=DUE) == 0
    assert reminders() == []


@pytest.mark.django_db
def test_the_day_after_the_due_date_an_overdue_reminder_goes_once(owner):
    action = ActionFactory.create(responsible_member=owner, due_date=DUE)
    services.record_progress(
        action=action, note=f"Menunggu data. {SCRIPT}", status=Status.IN_PROGRESS, author_name="S"
    )

    sent = [services.send_action_reminders(today=DUE + timedelta(days=n)) for n in (1, 1, 2, 9)]

    assert sent == [1, 0, 0, 0]
    [row] = reminders()
    message = parsed(row)
    assert message["Subject"].startswith("Overdue since 31 January 2022: ")
    html = body(message, "html")
    assert SCRIPT not in html
    assert "Menunggu data. &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert SCRIPT in text_of(message)  # plain text is text, shown as typed


@pytest.mark.django_db
def test_done_and_cancelled_actions_are_not_reminded(owner):
    ActionFactory.create(responsible_member=owner, due_date=DUE, status=Status.DONE)
    ActionFactory.create(responsible_member=owner, due_date=DUE, status=Status.CANCELLED)

    assert services.send_action_reminders(today=DUE - timedelta(days=1)) == 0
    assert services.send_action_reminders(today=DUE + timedelta(days=1)) == 0


@pytest.mark.django_db
def test_a_new_due_date_gets_reminders_of_its_own(owner, organizer):
    action = ActionFactory.create(responsible_member=owner, due_date=DUE)
    services.send_action_reminders(today=DUE - timedelta(days=1))
    action.refresh_from_db()

    services.update_action(
        action=action,
        title=action.title,
        due_date=DUE + timedelta(days=14),
        responsible_member=owner,
        by=organizer,
    )
    services.send_action_reminders(today=DUE + timedelta(days=12))
    services.send_action_reminders(today=DUE + timedelta(days=12))

    assert [row.subject[:26] for row in reminders()] == [
        "Due on 31 January 2022: Me",
        "Due on 14 February 2022: M",
    ]


@pytest.mark.django_db
def test_with_only_an_agency_its_invited_members_are_reminded(kemenag):
    meeting = MeetingFactory.create()
    invited = [InvitationFactory.create(meeting=meeting, member__agency=kemenag) for _ in range(2)]
    InvitationFactory.create(
        meeting=meeting, member__agency=AgencyFactory.create()
    )  # another agency
    MemberFactory.create(agency=kemenag)  # of the agency, not invited
    ActionFactory.create(meeting=meeting, responsible_agency=kemenag, due_date=DUE)
    ActionFactory.create(
        meeting=meeting, responsible_agency=AgencyFactory.create(), due_date=DUE
    )  # nobody

    assert services.send_action_reminders(today=DUE + timedelta(days=1)) == 2
    assert services.send_action_reminders(today=DUE + timedelta(days=1)) == 0
    assert {row.recipient for row in reminders()} == {i.member.email for i in invited}
    assert all(not LINK.search(text_of(parsed(row))) for row in reminders())


def test_the_beat_entry_runs_the_task_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["send-action-reminders"]
    assert entry["task"] == send_action_reminders_task.name


@pytest.mark.timeout(120)
@pytest.mark.django_db(transaction=True)
def test_four_beat_runs_at_the_same_moment_send_each_reminder_once(kemenag):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time, so there is no race")
    owners = [MemberFactory.create(agency=kemenag) for _ in range(20)]
    for owner in owners:
        ActionFactory.create(responsible_member=owner, due_date=DUE)
    start = threading.Barrier(4)
    results, errors = [], []

    def beat():
        try:
            start.wait()
            results.append(services.send_action_reminders(today=DUE + timedelta(days=1)))
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
    assert sum(results) == 20
    assert Counter(row.recipient for row in reminders()) == {o.email: 1 for o in owners}
    assert ActionReminderSent.objects.count() == 20


@pytest.mark.timeout(120)
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_worker")
def test_reminders_reach_the_mail_server_once_through_the_worker(smtp_sink, owner):
    ActionFactory.create(responsible_member=owner, due_date=DUE)

    services.send_action_reminders(today=DUE + timedelta(days=1))  # beat, and beat again
    services.send_action_reminders(today=DUE + timedelta(days=1))

    [received] = smtp_sink.wait_for(1)
    wait_until(
        lambda: set(OutboxMessage.objects.values_list("state", flat=True)) == {State.SENT},
        what="marked sent",
    )
    assert len(smtp_sink.messages) == 1
    assert received.rcpt_tos == (owner.email,)
    message = received.parsed()
    assert message["Subject"].startswith("Overdue since 31 January 2022: ")
    assert LINK.search(text_of(message))


@pytest.mark.django_db
@pytest.mark.parametrize("owed", [3, 30])
def test_a_run_takes_the_same_queries_for_3_or_30_actions_and_one_when_none_is_due(
    owed, django_assert_max_num_queries, kemenag
):
    for number in range(owed):
        meeting = MeetingFactory.create()
        if number % 2:
            ActionFactory.create(
                meeting=meeting, responsible_member=MemberFactory.create(), due_date=DUE
            )
        else:
            InvitationFactory.create(meeting=meeting, member__agency=kemenag)
            ActionFactory.create(meeting=meeting, responsible_agency=kemenag, due_date=DUE)
    ActionFactory.create(due_date=DUE + timedelta(days=20))  # not due yet

    with django_assert_max_num_queries(12):
        assert services.send_action_reminders(today=DUE + timedelta(days=1)) == owed
    with django_assert_max_num_queries(1):  # nothing is due any more: one query
        assert services.send_action_reminders(today=DUE + timedelta(days=1)) == 0
    assert len(reminders()) == owed


@pytest.mark.django_db
@pytest.mark.usefixtures("kemenag")
def test_a_run_walks_past_a_full_batch_of_actions_nobody_can_be_reminded_of(monkeypatch):
    from outputs.services import action_reminders

    monkeypatch.setattr(action_reminders, "BATCH", 2)
    meeting = MeetingFactory.create()
    for _ in range(3):  # an agency nobody of which was invited
        ActionFactory.create(
            meeting=meeting, responsible_agency=AgencyFactory.create(), due_date=DUE
        )
    ActionFactory.create(meeting=meeting, responsible_member=MemberFactory.create(), due_date=DUE)

    assert services.send_action_reminders(today=DUE + timedelta(days=1)) == 1
    # Nobody could be told of three of them: done all the same, so the next run reads nothing.
    assert ActionReminderSent.objects.count() == 4
