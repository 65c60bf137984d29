"""Distributing the minutes when their PDF cannot be made in the Celery task: nothing is
written, the distribution stays owed and the sweeper tries again, the renderer's error is logged
with its traceback, and the minutes page tells the organizer, in their language, that sending is
delayed. And the PDF is made once per language, not per recipient."""

import logging

import pytest
from django.urls import reverse

import outputs.exports
from outbox.models import OutboxMessage
from outputs.models import Minutes
from tests.events.factories import InvitationFactory
from tests.members.factories import MemberFactory
from tests.outputs.test_minutes import approve, attachments, parse
from tests.support.owed import owed, sweep_later

INDONESIAN = "Pengiriman tertunda: PDF tidak dapat dibuat; akan dicoba lagi."
ENGLISH = "Sending is delayed: the PDF could not be made; it will be tried again."


@pytest.fixture
def approved(world, minutes):
    InvitationFactory.create_batch(3, meeting=world.meeting)
    InvitationFactory(meeting=world.meeting, member=MemberFactory(language="en"))
    return approve(minutes, world)


@pytest.fixture
def broken_renderer(monkeypatch):
    """WeasyPrint failing on a font it cannot load; undo() mends it."""

    def broken(**kwargs):
        raise OSError("cannot load font 'Noto Sans'")

    monkeypatch.setattr(outputs.exports, "minutes_pdf", broken)
    return monkeypatch


def distribute(client, world, capture):
    """The organizer distributes; the task runs right after the commit."""
    client.force_login(world.organizer)
    with capture(execute=True):
        return client.post(reverse("outputs:minutes_distribute", args=[world.meeting.pk]))


@pytest.mark.parametrize(("language", "message"), [("id", INDONESIAN), ("en", ENGLISH)])
def test_a_pdf_that_cannot_be_made_is_a_delay_on_the_minutes_page_and_nothing_is_sent(
    client,
    settings,
    world,
    approved,
    broken_renderer,
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


def test_the_sweeper_tries_again_and_the_delay_leaves_the_page_once_sent(
    client, world, approved, broken_renderer, django_capture_on_commit_callbacks
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


def test_the_renderers_error_is_logged_with_its_traceback(
    client, world, approved, broken_renderer, caplog, django_capture_on_commit_callbacks
):
    with caplog.at_level(logging.ERROR, logger="outputs.services.distribution"):
        distribute(client, world, django_capture_on_commit_callbacks)

    [record] = [r for r in caplog.records if r.name == "outputs.services.distribution"]
    assert record.levelno == logging.ERROR
    assert f"minutes {approved.pk}" in record.getMessage()
    assert isinstance(record.exc_info[1], OSError)


def test_the_pdf_is_made_once_per_language_and_every_email_carries_it(
    client, world, approved, monkeypatch, django_capture_on_commit_callbacks
):
    made = []

    def counted(*, minutes, language):
        made.append(language)
        return b"%PDF-1.7 " + language.encode()

    monkeypatch.setattr(outputs.exports, "minutes_pdf", counted)

    distribute(client, world, django_capture_on_commit_callbacks)

    rows = list(OutboxMessage.objects.all())
    assert sorted(made) == ["en", "id"]
    assert len(rows) == 6
    for row in rows:
        [pdf] = attachments(row)
        assert pdf.get_content() == b"%PDF-1.7 " + parse(row)["Content-Language"].encode()
