import email
import smtplib
from email import policy

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection, transaction

from outbox import services
from outbox.models import OutboxMessage, State
from tests.outbox.factories import OutboxMessageFactory


def _message(to="andi@kemenag.go.id"):
    return EmailMessage(subject="Undangan rapat", body="Isi undangan", to=[to])


@pytest.mark.usefixtures("db")
def test_a_queued_message_is_sent_after_commit_with_its_message_id(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        row = services.queue_message(message=_message(), kind=services.Kind.OTHER)

    row.refresh_from_db()
    assert row.state == State.SENT
    assert row.attempts == 1
    [sent] = mail.outbox
    parsed = email.message_from_bytes(sent.message().as_bytes(), policy=policy.default)
    assert parsed["Message-ID"] == row.message_id
    assert parsed["To"] == "andi@kemenag.go.id"


@pytest.mark.usefixtures("db")
def test_nothing_is_sent_before_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        services.queue_message(message=_message())
    assert mail.outbox == []
    assert OutboxMessage.objects.get().state == State.QUEUED


@pytest.mark.usefixtures("db")
def test_delivering_a_sent_message_again_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = services.queue_message(message=_message())

    report = services.deliver_messages(message_ids=[row.pk])

    assert report.skipped == [row.pk]
    assert len(mail.outbox) == 1


@pytest.mark.usefixtures("db")
def test_a_message_has_exactly_one_recipient():
    with pytest.raises(ValueError, match="exactly one recipient"):
        services.queue_message(message=EmailMessage(subject="x", body="y", to=["a@x.id", "b@x.id"]))
    assert not OutboxMessage.objects.exists()


class _RefusingBackend:
    error: Exception

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):  # noqa: ARG002 (the mail backend's signature)
        raise self.error


@pytest.fixture
def refusing_backend(settings):
    settings.EMAIL_BACKEND = f"{__name__}._RefusingBackend"
    return _RefusingBackend


@pytest.mark.usefixtures("db")
def test_a_temporary_refusal_keeps_the_message_queued_for_a_retry(
    refusing_backend, django_capture_on_commit_callbacks
):
    refusing_backend.error = smtplib.SMTPDataError(451, b"try again later")
    with django_capture_on_commit_callbacks(execute=False):
        row = services.queue_message(message=_message())

    report = services.deliver_messages(message_ids=[row.pk])

    row.refresh_from_db()
    assert list(report.retry_after) == [row.pk]
    assert row.state == State.QUEUED
    assert "451" in row.last_error


@pytest.mark.usefixtures("db")
def test_a_permanent_refusal_fails_the_message_and_resend_queues_it_again(
    refusing_backend, django_capture_on_commit_callbacks
):
    refusing_backend.error = smtplib.SMTPRecipientsRefused({"x@x.id": (550, b"no such user")})
    with django_capture_on_commit_callbacks(execute=False):
        row = services.queue_message(message=_message())
    services.deliver_messages(message_ids=[row.pk])
    row.refresh_from_db()
    assert row.state == State.FAILED

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.resend(message=row)
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.QUEUED, 0)
    assert len(callbacks) == 1


@pytest.mark.usefixtures("db")
def test_temporary_refusals_stop_after_the_last_attempt(
    settings, refusing_backend, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    refusing_backend.error = ConnectionRefusedError("mail server down")
    with django_capture_on_commit_callbacks(execute=False):
        row = services.queue_message(message=_message())

    services.deliver_messages(message_ids=[row.pk])
    services.deliver_messages(message_ids=[row.pk])

    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.FAILED, 2)


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        [(setting,)] = cursor.fetchall()
    return setting


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_only_the_outbox_marks_skip_waiting_for_the_disk():
    """The claim and SENT mark relax synchronous_commit for their own statement; every other
    write on the worker's connection (the next batch's outbox rows) still waits for the disk,
    and so does a caller's transaction that delivers inside it."""
    alone, in_a_transaction = OutboxMessageFactory.create_batch(2, state=State.QUEUED)

    services.deliver_messages(message_ids=[alone.pk])
    after_alone = _synchronous_commit()
    with transaction.atomic():
        services.deliver_messages(message_ids=[in_a_transaction.pk])
        inside_the_transaction = _synchronous_commit()

    assert [m.state for m in OutboxMessage.objects.order_by("pk")] == [State.SENT, State.SENT]
    assert (after_alone, inside_the_transaction) == ("on", "on")
