"""The outbox against the real thing: a Celery worker on the configured broker sends to a real
SMTP server (aiosmtpd), and what counts is what arrives in the mailbox.

Each test has its own broker (folder or Redis key prefix) and its own mail server.
"""

from collections import Counter
from datetime import timedelta

import psycopg
import pytest
from django.core.mail import EmailMessage
from django.db import connection

from outbox import services
from outbox.models import Kind, OutboxMessage, State
from outbox.tasks import send_messages, sweep
from tests.support.celery import database_url
from tests.support.wait import wait_until

pytestmark = [
    pytest.mark.worker,
    pytest.mark.timeout(120),
    pytest.mark.django_db(transaction=True),
]

FIRST_NAMES = ["Andi", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gilang", "Hendra", "Indah", "Joko"]
AGENCIES = ["kemenag.go.id", "komdigi.go.id", "bnpb.go.id"]


def invitations(count: int) -> list[EmailMessage]:
    """`count` invitations to the Rakor Kehumasan, one per participant."""
    messages = []
    for number in range(count):
        name = FIRST_NAMES[number % len(FIRST_NAMES)]
        agency = AGENCIES[number // len(FIRST_NAMES) % len(AGENCIES)]
        messages.append(
            EmailMessage(
                subject="Undangan Rapat Koordinasi Kehumasan Antar K/L",
                body=f"Yth. {name}, dengan hormat kami mengundang Bapak/Ibu ke Rakor Kehumasan.",
                to=[f"{name.lower()}.{number}@{agency}"],
            )
        )
    return messages


def queue_invitations(count: int) -> list[OutboxMessage]:
    """Write the invitations to the outbox in one committed transaction, as a page would."""
    return services.queue_messages(
        messages=invitations(count), kind=Kind.INVITATION, topic="meeting:1"
    )


def states(rows) -> Counter:
    return Counter(
        OutboxMessage.objects.filter(pk__in=[row.pk for row in rows]).values_list(
            "state", flat=True
        )
    )


def all_sent(rows) -> bool:
    return states(rows) == Counter({State.SENT: len(rows)})


@pytest.mark.usefixtures("celery_worker")
def test_twenty_invitations_arrive_once_each_with_the_message_id_the_outbox_shows(smtp_sink):
    rows = queue_invitations(20)

    smtp_sink.wait_for(20)
    wait_until(lambda: all_sent(rows), what="all 20 marked sent")

    mailbox = {message["Message-ID"]: message for message in smtp_sink.parsed()}
    assert len(smtp_sink.messages) == 20, "nothing arrived twice"
    assert set(mailbox) == {row.message_id for row in rows}
    for row in rows:
        assert mailbox[row.message_id]["To"] == row.recipient
        assert mailbox[row.message_id]["Subject"] == row.subject
    assert set(
        OutboxMessage.objects.filter(pk__in=[row.pk for row in rows]).values_list(
            "state", "attempts", "last_error"
        )
    ) == {(State.SENT, 1, "")}


@pytest.mark.usefixtures("celery_worker")
def test_a_message_the_server_turns_away_for_now_is_retried_by_the_worker(smtp_sink, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 0.25  # retries after 0.5 s, then 1 s (not 10 s, 20 s)
    smtp_sink.refuse(2, code=451, recipient="budi.1@kemenag.go.id")  # greylisting, say

    andi, budi, citra = queue_invitations(3)

    # Andi's and Citra's invitations go through; Budi's server says "try again later", and the
    # outbox shows it waiting with the reason.
    def budi_waits_after_first_refusal():
        row = OutboxMessage.objects.get(pk=budi.pk)
        return row.state == State.QUEUED and row.attempts == 1 and "451" in row.last_error

    wait_until(budi_waits_after_first_refusal, what="Budi's message back in the queue")

    # No one touches anything: the worker tries again by itself (nothing else runs here, no
    # beat, no sweeper) and the second refusal is followed by a third try that gets through.
    smtp_sink.wait_for(3)
    wait_until(lambda: all_sent([andi, budi, citra]), what="all three sent")

    budi.refresh_from_db()
    assert (budi.state, budi.attempts, budi.last_error) == (State.SENT, 3, "")
    assert [refused.message_id for refused in smtp_sink.refused] == [budi.message_id] * 2
    assert sorted(smtp_sink.message_ids()) == sorted(row.message_id for row in (andi, budi, citra))
    assert OutboxMessage.objects.get(pk=andi.pk).attempts == 1


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_at_most_the_message_in_flight(
    smtp_sink, celery_worker_process
):
    smtp_sink.delay = 0.2  # a slow mail server: the batch of 30 takes about 6 s
    stale_after = {"OUTBOX_STALE_AFTER_SECONDS": "2", "OWED_GRACE_SECONDS": "2"}
    worker = celery_worker_process(pool="prefork", concurrency=1, **stale_after)

    rows = queue_invitations(30)
    smtp_sink.wait_for(10)
    worker.kill()  # SIGKILL to the worker and its pool process: no goodbye, no acknowledgement

    # Part of the batch went out, the rest is still held by the dead batch; of what the server
    # took, only the message in flight is not marked sent.
    arrived = set(smtp_sink.message_ids())
    at_kill = states(rows)
    assert 0 < at_kill[State.SENT] < 30
    assert at_kill[State.SENT] + at_kill[State.SENDING] == 30
    in_flight = arrived & set(
        OutboxMessage.objects.filter(
            pk__in=[row.pk for row in rows], state=State.SENDING
        ).values_list("message_id", flat=True)
    )
    assert len(in_flight) <= 1

    # A new worker starts; the sweeper that beat runs every minute finds what was lost.
    celery_worker_process(pool="prefork", concurrency=1, **stale_after)
    wait_until(
        lambda: all_sent(rows),
        timeout=60,
        meanwhile=sweep.delay,
        every=1.0,
        what="all 30 sent after the restart",
    )

    # The organizer's mailbox: every invitation, each with the Message-ID the outbox shows;
    # at most one arrived twice, and only the one that was in flight when the worker died.
    arrivals = Counter(smtp_sink.message_ids())
    assert set(arrivals) == {row.message_id for row in rows}
    twice = {message_id for message_id, count in arrivals.items() if count > 1}
    assert twice <= in_flight, f"sent twice: {twice}, in flight at the kill: {in_flight}"
    assert max(arrivals.values()) <= 2


@pytest.mark.usefixtures("celery_worker")
def test_two_workers_sending_the_same_batch_at_once_send_each_message_once(smtp_sink):
    smtp_sink.delay = 0.05  # so that the two deliveries overlap

    rows = queue_invitations(20)  # handed to the broker once, after commit...
    send_messages.delay([row.pk for row in rows])  # ...and the same batch once more, at once

    smtp_sink.wait_for(20)
    wait_until(lambda: all_sent(rows), what="all 20 marked sent")

    arrived = Counter(smtp_sink.message_ids())
    assert arrived == Counter({row.message_id: 1 for row in rows})
    assert set(
        OutboxMessage.objects.filter(pk__in=[row.pk for row in rows]).values_list(
            "state", "attempts"
        )
    ) == {(State.SENT, 1)}


@pytest.mark.usefixtures("celery_worker")
def test_a_slow_batch_is_not_mistaken_for_a_dead_worker(smtp_sink, settings):
    settings.OUTBOX_STALE_AFTER = timedelta(seconds=1)
    smtp_sink.delay = 0.3  # 8 messages take 2.4 s: longer than "stale", each one much shorter

    rows = queue_invitations(8)
    # The sweeper runs all along (as if beat ran every 0.3 s); the worker's second thread is
    # free to take whatever it hands over.
    wait_until(
        lambda: all_sent(rows),
        meanwhile=sweep.delay,
        every=0.3,
        what="all 8 marked sent",
    )

    arrived = Counter(smtp_sink.message_ids())
    assert arrived == Counter({row.message_id: 1 for row in rows})
    assert set(
        OutboxMessage.objects.filter(pk__in=[row.pk for row in rows]).values_list(
            "state", "attempts"
        )
    ) == {(State.SENT, 1)}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ends sessions as a restart does")
@pytest.mark.usefixtures("celery_worker")
def test_a_database_restart_in_the_middle_of_a_batch_loses_no_mark_and_sends_nothing_twice(
    smtp_sink,
):
    connection.ensure_connection()
    url, test_session = (
        database_url(connection.settings_dict),
        connection.connection.info.backend_pid,
    )

    def restart_database(count: int) -> None:
        # While the mail server takes the fifth message, PostgreSQL ends every session of the
        # workers (what a restart does): the worker learns it when it marks that message sent.
        if count == 5:
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), %s)",
                    [test_session],
                )

    smtp_sink.on_message = restart_database
    rows = queue_invitations(12)

    # No sweep runs: the batch tries again by itself, seconds later, from where it stopped.
    smtp_sink.wait_for(12, timeout=30)
    wait_until(lambda: all_sent(rows), timeout=30, what="all 12 marked sent")

    assert Counter(smtp_sink.message_ids()) == Counter({row.message_id: 1 for row in rows})
