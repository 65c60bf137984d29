"""A request body larger than anything Rakor takes is refused before a byte of it is read, on
every URL and whoever asks: Django's CSRF check would otherwise parse it, files and all."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.test import Client
from django.urls import reverse

from tests.records.support import freeze, simple_render

pytestmark = pytest.mark.django_db

RECEIVED: list[int] = []


class Recording(FileUploadHandler):
    """Notes every chunk of a file the server reads from a request, and passes it on."""

    def receive_data_chunk(self, raw_data, start):  # noqa: ARG002 (the upload handler's signature)
        RECEIVED.append(len(raw_data))
        return raw_data

    def file_complete(self, file_size):  # noqa: ARG002 (the upload handler's signature)
        return None


@pytest.fixture
def received(settings):
    RECEIVED.clear()
    settings.FILE_UPLOAD_HANDLERS = [f"{__name__}.Recording", *settings.FILE_UPLOAD_HANDLERS]
    settings.REQUEST_MAX_BYTES = 1024 * 1024
    return RECEIVED


@pytest.fixture
def verification_url(organizer):
    from tests.events.factories import MeetingFactory
    from tests.outputs.factories import MinutesFactory

    meeting = MeetingFactory.create(sessions=1)
    meeting.organizers.add(organizer)
    render = simple_render()
    freeze(meeting, MinutesFactory.create(meeting=meeting), organizer, render=render)
    return reverse("records:verify", kwargs={"code": render.stamps[0].code})


def post_as_a_browser(client: Client, url: str, content: bytes, *, form_page: str = ""):
    """A form post with its CSRF token after the file, as a browser sends a page's form."""
    client.get(form_page or url)
    token = client.cookies["csrftoken"].value
    return client.post(
        url,
        {"file": SimpleUploadedFile("besar.pdf", content), "csrfmiddlewaretoken": token},
        HTTP_ORIGIN="http://testserver",
    )


def test_a_body_larger_than_any_upload_is_refused_unread_even_on_a_public_page(
    received, verification_url
):
    client = Client(enforce_csrf_checks=True)

    refused = post_as_a_browser(client, verification_url, b"%PDF-" + b"0" * 2 * 1024 * 1024)
    checked = post_as_a_browser(client, verification_url, b"%PDF-1.7 small")

    assert refused.status_code == 413
    assert "Tidak ada yang diterima" in refused.content.decode()  # Indonesian, the default
    assert checked.status_code == 200
    assert sum(received) == len(b"%PDF-1.7 small")  # only the small file was ever read


def test_an_anonymous_post_anywhere_is_refused_unread(received):
    client = Client(enforce_csrf_checks=True)

    response = post_as_a_browser(
        client,
        reverse("members:import"),  # for organizers: the sign-in page's token is enough
        b"x" * 2 * 1024 * 1024,
        form_page=reverse("account_login"),
    )

    assert response.status_code == 413
    assert received == []
