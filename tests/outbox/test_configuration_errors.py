"""A local configuration error (a mail folder or a broker folder that cannot be written) is
reported at once, with the path and the cause, in the log and on the outbox message; it is not
retried as if the mail server were busy. Once it is fixed, an organizer resends."""

import logging

import pytest
from django.core.mail import EmailMessage

from config.celery import app as celery_app
from outbox import services
from outbox.models import OutboxMessage, State
from tests.support.celery import isolated_broker


def invitations(count: int) -> list[EmailMessage]:
    return [
        EmailMessage(subject="Undangan rapat", body="Isi", to=[f"humas{n}@kemenag.go.id"])
        for n in range(count)
    ]


@pytest.fixture
def folder_that_is_a_file(tmp_path):
    """A path under a plain file: no process, root included, can create a folder there."""
    (tmp_path / "var").write_text("")
    return tmp_path / "var" / "mail"


@pytest.mark.django_db
def test_a_mail_folder_that_cannot_be_written_fails_the_batch_at_once_with_path_and_cause(
    settings, folder_that_is_a_file, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "core.mail_backends.EmlFileBackend"
    settings.EMAIL_FILE_PATH = folder_that_is_a_file

    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        services.queue_messages(messages=invitations(3))

    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {State.FAILED}
    for row in OutboxMessage.objects.all():
        assert str(folder_that_is_a_file) in row.last_error
        assert "Not a directory" in row.last_error
        assert "Configuration error" in row.last_error
    assert {row.attempts for row in OutboxMessage.objects.all()} == {1}, "not retried"
    [logged] = [r for r in caplog.records if r.name.startswith("outbox")]
    assert str(folder_that_is_a_file) in logged.getMessage()


@pytest.mark.django_db
def test_once_the_folder_is_fixed_the_organizer_resends_and_it_goes_out(
    settings, folder_that_is_a_file, tmp_path, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "core.mail_backends.EmlFileBackend"
    settings.EMAIL_FILE_PATH = folder_that_is_a_file
    with django_capture_on_commit_callbacks(execute=True):
        [row] = services.queue_messages(messages=invitations(1))

    settings.EMAIL_FILE_PATH = tmp_path / "mail"  # the administrator fixes it
    with django_capture_on_commit_callbacks(execute=True):
        services.resend(message=OutboxMessage.objects.get(pk=row.pk))

    row.refresh_from_db()
    assert (row.state, row.last_error) == (State.SENT, "")
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 1


@pytest.mark.django_db(transaction=True)
def test_a_broker_folder_that_cannot_be_written_is_reported_with_path_and_cause(tmp_path, caplog):
    with isolated_broker(celery_app, tmp_path / "broker", url="filesystem://") as broker:
        queue = broker.transport_options["data_folder_out"]
        for message in (tmp_path / "broker" / "queue").iterdir():
            message.unlink()
        (tmp_path / "broker" / "queue").rmdir()
        (tmp_path / "broker" / "queue").write_text("")  # a file where the folder should be

        with caplog.at_level(logging.ERROR):
            [row] = services.queue_messages(messages=invitations(1))

    row.refresh_from_db()
    assert row.state == State.QUEUED
    assert queue in row.last_error
    assert "Not a directory" in row.last_error
    assert row.next_attempt_at is None, "the next sweep hands it over again at once"
    [logged] = [r for r in caplog.records if r.name.startswith("outbox")]
    assert queue in logged.getMessage()
    assert "AttributeError" not in caplog.text
