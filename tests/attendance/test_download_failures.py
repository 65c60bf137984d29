"""Downloading the daftar hadir, filled in or blank, when WeasyPrint cannot make it: the
organizer is sent back to the page that linked it with a message in their language, and the
error is logged with its traceback, instead of a server error."""

import logging

import pytest
import weasyprint
from django.urls import reverse

from tests.events.factories import MeetingFactory

pytestmark = pytest.mark.django_db

ENGLISH = (
    "The file “{}” could not be made. Please try again later; if it keeps happening, tell the "
    "administrator."
)
INDONESIAN = (
    "Berkas “Daftar hadir kosong · {}” tidak dapat dibuat. Silakan coba lagi nanti; jika terus "
    "terjadi, beri tahu administrator."
)


class RendererFailed(OSError):
    pass


@pytest.fixture
def meeting(organizer):
    meeting = MeetingFactory.create(sessions=2, title="Koordinasi Pranata Humas Antar K/L")
    meeting.organizers.add(organizer)
    return meeting


@pytest.fixture
def day_one(meeting):
    return meeting.sessions.first()


@pytest.fixture(autouse=True)
def broken_weasyprint(monkeypatch):
    """WeasyPrint failing on an image it cannot load."""

    def broken(_self, *args, **kwargs):
        raise RendererFailed("cannot load image 'logo.png'")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", broken)


def table_of(session) -> str:
    return f"{reverse('attendance:table', args=[session.meeting_id])}?session={session.pk}"


def test_a_sheet_that_cannot_be_made_is_a_message_on_the_attendance_table(
    organizer_client, settings, day_one
):
    organizer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = organizer_client.get(
        reverse("attendance:sheet_pdf", args=[day_one.meeting_id, day_one.pk])
    )
    page = organizer_client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert response["Location"] == table_of(day_one)
    assert ENGLISH.format(f"Attendance sheet · {day_one.title}") in page


def test_a_blank_sheet_that_cannot_be_made_is_a_message_on_the_dashboard(
    organizer_client, settings, meeting, day_one
):
    organizer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = organizer_client.get(
        reverse("attendance:blank_sheet_pdf", args=[meeting.pk, day_one.pk])
    )
    page = organizer_client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert response["Location"] == reverse("attendance:dashboard", args=[meeting.pk])
    assert ENGLISH.format(f"Blank sheet · {day_one.title}") in page


def test_the_message_is_in_indonesian_by_default(organizer_client, meeting, day_one):
    response = organizer_client.get(
        reverse("attendance:blank_sheet_pdf", args=[meeting.pk, day_one.pk]), follow=True
    )

    assert INDONESIAN.format(day_one.title) in response.content.decode()


def test_the_organizer_goes_back_to_the_page_the_link_was_on(organizer_client, meeting, day_one):
    dashboard = f"http://testserver{reverse('attendance:dashboard', args=[meeting.pk])}"

    response = organizer_client.get(
        reverse("attendance:sheet_pdf", args=[meeting.pk, day_one.pk]), HTTP_REFERER=dashboard
    )

    assert response["Location"] == dashboard


def test_a_referer_from_another_site_is_not_followed(organizer_client, meeting, day_one):
    response = organizer_client.get(
        reverse("attendance:sheet_pdf", args=[meeting.pk, day_one.pk]),
        HTTP_REFERER="https://evil.example/phish",
    )

    assert response["Location"] == table_of(day_one)


@pytest.mark.parametrize("download", ["attendance:sheet_pdf", "attendance:blank_sheet_pdf"])
def test_weasyprints_error_is_logged_with_its_traceback(
    organizer_client, meeting, day_one, caplog, download
):
    url = reverse(download, args=[meeting.pk, day_one.pk])

    with caplog.at_level(logging.ERROR, logger="core.downloads"):
        organizer_client.get(url)

    [record] = [r for r in caplog.records if r.name == "core.downloads"]
    assert record.levelno == logging.ERROR
    assert url in record.getMessage()
    assert isinstance(record.exc_info[1], RendererFailed)
