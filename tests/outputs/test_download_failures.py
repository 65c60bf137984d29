"""Downloading the minutes or the activity report when the file cannot be made: the organizer
is sent back to the meeting's page with a message in their language, and the renderer's error
is logged with its traceback, instead of a server error."""

import logging

import pytest
from django.urls import reverse

import outputs.exports
from tests.events.factories import MeetingFactory
from tests.outputs.factories import MinutesFactory

pytestmark = pytest.mark.django_db

# (download, the function that makes its file, the file's name on the link)
DOWNLOADS = [
    ("outputs:minutes_pdf", "minutes_pdf", "Minutes (PDF)"),
    ("outputs:minutes_docx", "minutes_docx", "Minutes (Word)"),
    ("outputs:report_pdf", "activity_report_pdf", "Activity report (PDF)"),
]
ENGLISH = (
    "The file “{}” could not be made. Please try again later; if it keeps happening, tell the "
    "administrator."
)
INDONESIAN = (
    "Berkas “Notulen (PDF)” tidak dapat dibuat. Silakan coba lagi nanti; jika terus terjadi, "
    "beri tahu administrator."
)


class RendererFailed(OSError):
    pass


@pytest.fixture
def meeting(organizer):
    meeting = MeetingFactory.create(title="Koordinasi Pranata Humas Antar K/L")
    meeting.organizers.add(organizer)
    MinutesFactory.create(meeting=meeting)
    return meeting


def break_renderer(monkeypatch, function: str) -> None:
    """The renderer failing as WeasyPrint does on an image or a font it cannot load."""

    def broken(**kwargs):
        raise RendererFailed("cannot load font 'Noto Sans'")

    monkeypatch.setattr(outputs.exports, function, broken)


@pytest.mark.parametrize(("download", "function", "document"), DOWNLOADS)
def test_a_file_that_cannot_be_made_is_a_message_on_the_meeting_page(
    organizer_client, settings, meeting, monkeypatch, download, function, document
):
    break_renderer(monkeypatch, function)
    organizer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = organizer_client.get(reverse(download, args=[meeting.pk]))
    page = organizer_client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert response["Location"] == reverse("events:meeting_detail", args=[meeting.pk])
    assert ENGLISH.format(document) in page


def test_the_message_is_in_indonesian_by_default(organizer_client, meeting, monkeypatch):
    break_renderer(monkeypatch, "minutes_pdf")

    response = organizer_client.get(reverse("outputs:minutes_pdf", args=[meeting.pk]), follow=True)

    assert INDONESIAN in response.content.decode()


@pytest.mark.parametrize(("download", "function", "document"), DOWNLOADS)
def test_the_renderers_error_is_logged_with_its_traceback(
    organizer_client,
    meeting,
    monkeypatch,
    caplog,
    download,
    function,
    document,  # noqa: ARG001 (used by the other cases)
):
    break_renderer(monkeypatch, function)
    url = reverse(download, args=[meeting.pk])

    with caplog.at_level(logging.ERROR, logger="core.downloads"):
        organizer_client.get(url)

    [record] = [r for r in caplog.records if r.name == "core.downloads"]
    assert record.levelno == logging.ERROR
    assert url in record.getMessage()
    assert isinstance(record.exc_info[1], RendererFailed)
