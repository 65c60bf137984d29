"""Distributing the minutes when their PDF cannot be had in the Celery task (the frozen record
of the approved version, read from the database): nothing is written, the distribution stays
owed and the sweeper tries again, the error is logged with its traceback, and the minutes page
tells the organizer, in their language, that sending is delayed. And the PDF is read once, not
per recipient."""

import logging

import pytest
from django.urls import reverse

from outbox.models import OutboxMessage
from outputs.models import Minutes
from records.models import FrozenDocument
from tests.events.factories import InvitationFactory
from tests.members.factories import MemberFactory
from tests.outputs.minutes_world import approve, attachments
from tests.support.owed import owed, sweep_later

INDONESIAN = "Pengiriman tertunda: PDF tidak dapat dibuat; akan dicoba lagi."
ENGLISH = "Sending is delayed: the PDF could not be made; it will be tried again."


@pytest.fixture
def approved(world, minutes):
    InvitationFactory.create_batch(3, meeting=world.meeting)
    InvitationFactory.create(meeting=world.meeting, member=MemberFactory.create(language="en"))
    return approve(minutes, world)


@pytest.fixture
def broken_renderer(monkeypatch):
    """The frozen notulen cannot be read back (a storage fault); undo() mends it."""

    def broken(_self):
        raise OSError("could not read the record's bytes")

    monkeypatch.setattr(FrozenDocument, "pdf_bytes", broken)
    return monkeypatch


def distribute(client, world, capture):
    """The organizer distributes; the task runs right after the commit."""
    client.force_login(world.organizer)
    with capture(execute=True):
        return client.post(reverse("outputs:minutes_distribute", args=[world.meeting.pk]))


@pytest.mark.parametrize(("language", "message"), [("id", INDONESIAN), ("en", ENGLISH)])
@pytest.mark.usefixtures("broken_renderer")
def test_a_pdf_that_cannot_be_made_is_a_delay_on_the_minutes_page_and_nothing_is_sent(
    client,
    settings,
    world,
    approved,
    mailoutbox,
    language,
    message,
    django_capture_on_commit_callbacks,
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = distribute(client, world, django_capture_on_commit_callbacks)
    page = client.get(response["Location"]).text

    assert response.status_code == 302
    assert message in page
    approved.refresh_from_db()
    assert approved.state == Minutes.State.DISTRIBUTED
    assert approved.distribution_written_at is None, "still owed"
    assert not OutboxMessage.objects.exists()
    assert mailoutbox == []


@pytest.mark.usefixtures("approved")
def test_the_sweeper_tries_again_and_the_delay_leaves_the_page_once_sent(
    client, world, broken_renderer, django_capture_on_commit_callbacks
):
    distribute(client, world, django_capture_on_commit_callbacks)
    assert sweep_later() == 1, "tried again, still failing"
    assert not OutboxMessage.objects.exists()

    broken_renderer.undo()  # the font is installed
    assert sweep_later(graces=3) == 1, "tried again after twice as long"

    assert OutboxMessage.objects.count() == 6
    page = client.get(reverse("outputs:minutes", args=[world.meeting.pk])).text
    assert INDONESIAN not in page
    assert owed() == []


@pytest.mark.usefixtures("broken_renderer")
def test_the_renderers_error_is_logged_with_its_traceback(
    client, world, approved, caplog, django_capture_on_commit_callbacks
):
    with caplog.at_level(logging.ERROR, logger="outputs.services.distribution"):
        distribute(client, world, django_capture_on_commit_callbacks)

    [record] = [r for r in caplog.records if r.name == "outputs.services.distribution"]
    assert record.levelno == logging.ERROR
    assert f"minutes {approved.pk}" in record.getMessage()
    assert isinstance(record.exc_info[1], OSError)


@pytest.mark.usefixtures("approved")
def test_the_frozen_pdf_is_read_once_and_every_email_carries_it(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    read, real = [], FrozenDocument.pdf_bytes

    def counted(self):
        read.append(self.pk)
        return real(self)

    monkeypatch.setattr(FrozenDocument, "pdf_bytes", counted)

    distribute(client, world, django_capture_on_commit_callbacks)

    rows = list(OutboxMessage.objects.all())
    frozen = FrozenDocument.objects.get(kind=FrozenDocument.Kind.NOTULEN)
    assert read == [frozen.pk]
    assert len(rows) == 6
    for row in rows:
        [pdf] = attachments(row)
        assert pdf.get_content() == real(frozen)
