"""Distributing the minutes when their PDF cannot be made: the organizer is told so on the
minutes page in their language, nothing is sent, the minutes stay approved and the renderer's
error is logged with its traceback. And the PDF is made once per language, not per recipient."""

import logging

import pytest
from django.urls import reverse

import outputs.exports
from outbox.models import OutboxMessage
from outputs.models import Minutes
from tests.events.factories import InvitationFactory
from tests.members.factories import MemberFactory
from tests.outputs.test_minutes import approve, attachments, parse

INDONESIAN = (
    "PDF notulen tidak dapat dibuat sehingga tidak ada yang dikirim, dan notulen tetap berstatus "
    "disetujui. Silakan coba lagi nanti."
)
ENGLISH = (
    "The PDF of the minutes could not be made, so nothing was sent and the minutes are still "
    "approved. Please try again later."
)


@pytest.fixture
def approved(world, minutes):
    InvitationFactory.create_batch(3, meeting=world.meeting)
    InvitationFactory(meeting=world.meeting, member=MemberFactory(language="en"))
    return approve(minutes, world)


@pytest.fixture
def broken_renderer(monkeypatch):
    """WeasyPrint failing on a font it cannot load."""

    def broken(**kwargs):
        raise OSError("cannot load font 'Noto Sans'")

    monkeypatch.setattr(outputs.exports, "minutes_pdf", broken)


def distribute(client, world):
    client.force_login(world.organizer)
    return client.post(reverse("outputs:minutes_distribute", args=[world.meeting.pk]))


@pytest.mark.parametrize(("language", "message"), [("id", INDONESIAN), ("en", ENGLISH)])
def test_a_pdf_that_cannot_be_made_is_a_message_on_the_minutes_page_and_nothing_is_sent(
    client, settings, world, approved, broken_renderer, mailoutbox, language, message
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = distribute(client, world)
    page = client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert response["Location"] == reverse("outputs:minutes", args=[world.meeting.pk])
    assert message in page
    approved.refresh_from_db()
    assert approved.state == Minutes.State.APPROVED and approved.distributed_at is None
    assert not OutboxMessage.objects.exists()
    assert mailoutbox == []


def test_the_renderers_error_is_logged_with_its_traceback(
    client, world, approved, broken_renderer, caplog
):
    with caplog.at_level(logging.ERROR, logger="outputs.services.minutes"):
        distribute(client, world)

    [record] = [r for r in caplog.records if r.name == "outputs.services.minutes"]
    assert record.levelno == logging.ERROR
    assert f"minutes {approved.pk}" in record.getMessage()
    assert isinstance(record.exc_info[1], OSError)


def test_the_pdf_is_made_once_per_language_and_every_email_carries_it(
    client, world, approved, monkeypatch
):
    made = []

    def counted(*, minutes, language):
        made.append(language)
        return b"%PDF-1.7 " + language.encode()

    monkeypatch.setattr(outputs.exports, "minutes_pdf", counted)

    distribute(client, world)

    rows = list(OutboxMessage.objects.all())
    assert sorted(made) == ["en", "id"]
    assert len(rows) == 6
    for row in rows:
        [pdf] = attachments(row)
        assert pdf.get_content() == b"%PDF-1.7 " + parse(row)["Content-Language"].encode()
