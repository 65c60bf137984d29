"""Documents of a meeting: who uploads what, what is refused, and who gets each file back."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from docx import Document as WordDocument
from PIL import Image

from core.links import WRONG_LINKS
from events.models import Invitation
from events.services import issue_answer_link
from outputs import services
from outputs.models import Document
from tests.events.factories import AgendaItemFactory, InvitationFactory, MeetingFactory
from tests.members.factories import MemberFactory, UserFactory
from tests.support.found import present

URL = "/meetings/{pk}/documents/"
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    document = WordDocument()
    document.add_paragraph("Paparan kurikulum pranata humas")
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def documents_storage(settings, tmp_path, monkeypatch):
    # The field holds its storage from start-up: each test gets a folder of its own.
    location = tmp_path / "documents"
    monkeypatch.setattr(
        Document._meta.get_field("file"), "storage", FileSystemStorage(location=location)
    )
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    return location


@pytest.fixture
def meeting(db, organizer):  # noqa: ARG001 (requested for its effect)
    meeting = MeetingFactory.create()
    meeting.organizers.add(organizer)
    return meeting


def person_invited(meeting, role=Invitation.Role.PARTICIPANT, withdrawn=False):
    user = UserFactory.create()
    member = MemberFactory.create(user=user, email=user.email)
    invitation = InvitationFactory.create(
        meeting=meeting,
        member=member,
        role=role,
        answer=Invitation.Answer.YES,
        withdrawn_at=timezone.now() if withdrawn else None,
    )
    return user, invitation


def upload(client, meeting, name, content, **fields):
    data = {"kind": "materi", "visibility": "participants", "title": "", **fields}
    data["file"] = SimpleUploadedFile(name, content)
    return client.post(URL.format(pk=meeting.pk), data)


# --- Uploading ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Paparan Kurikulum.pdf", PDF_BYTES, "application/pdf"),
        ("foto-pembukaan.png", png_bytes(), "image/png"),
        (
            "Pedoman Pelatihan.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_organizer_uploads_a_pdf_png_or_docx(
    organizer_client, meeting, documents_storage, name, content, content_type
):
    response = upload(organizer_client, meeting, name, content)

    assert response.status_code == 302
    document = Document.objects.get(meeting=meeting)
    assert document.content_type == content_type
    assert document.original_name == name
    assert document.size == len(content)
    assert document.title == name.rsplit(".", 1)[0]
    stored = documents_storage / document.file.name
    assert stored.read_bytes() == content
    assert name not in present(document.file.name)  # a random name, not the upload's


def test_an_executable_renamed_pdf_is_refused(organizer_client, meeting, documents_storage):
    response = upload(organizer_client, meeting, "paparan.pdf", EXE_BYTES)

    assert response.status_code == 400
    assert "program" in response.content.decode()
    assert not Document.objects.exists()
    assert not documents_storage.exists() or not any(documents_storage.rglob("*.*"))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("skrip.pdf", b"#!/bin/sh\nrm -rf /\n"),
        ("foto.png", b"\x7fELF\x02\x01\x01" + b"\x00" * 64),
        ("paparan.pdf", png_bytes()),  # a real image with a name that lies
        ("arsip.docx", b"PK\x03\x04" + b"\x00" * 64),  # a ZIP that is no Word file
        ("catatan.txt", b"just text"),
    ],
)
def test_files_whose_content_is_not_what_their_name_says_are_refused(
    organizer_client, meeting, name, content
):
    response = upload(organizer_client, meeting, name, content)

    assert response.status_code == 400
    assert not Document.objects.exists()


def test_a_photo_must_be_an_image(organizer_client, meeting):
    # The assertion reads the English message.
    organizer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        response = upload(organizer_client, meeting, "foto.pdf", PDF_BYTES, kind="dokumentasi")

    assert response.status_code == 400
    assert "photo" in response.content.decode().lower()
    assert not Document.objects.exists()


def test_a_file_over_the_limit_is_refused_with_the_limit(organizer_client, meeting, settings):
    settings.DOCUMENT_MAX_BYTES = 1000

    response = upload(organizer_client, meeting, "besar.pdf", PDF_BYTES + b"\x00" * 2000)

    assert response.status_code == 400
    assert "0 MB" in response.content.decode() or "MB" in response.content.decode()
    assert not Document.objects.exists()


def test_a_26_mb_upload_is_refused_at_the_default_25_mb(organizer_client, meeting, settings):
    settings.DOCUMENT_MAX_BYTES = 25 * 1024 * 1024
    content = PDF_BYTES + b"\x00" * (26 * 1024 * 1024)

    response = upload(organizer_client, meeting, "rekaman.pdf", content)

    assert response.status_code == 400
    assert "25 MB" in response.content.decode()
    assert not Document.objects.exists()


def test_a_speaker_uploads_slides_for_an_agenda_item(client, meeting):
    speaker, _ = person_invited(meeting, role=Invitation.Role.SPEAKER)
    item = AgendaItemFactory.create(meeting=meeting, title="Kurikulum pranata humas")
    client.force_login(speaker)

    response = upload(
        client, meeting, "paparan.pdf", PDF_BYTES, title="Paparan", agenda_item=item.pk
    )

    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.uploaded_by, document.agenda_item, document.title) == (
        speaker,
        item,
        "Paparan",
    )


def test_a_participant_cannot_upload(client, meeting):
    participant, _ = person_invited(meeting)
    client.force_login(participant)

    response = upload(client, meeting, "paparan.pdf", PDF_BYTES)

    assert response.status_code == 403
    assert not Document.objects.exists()


def test_an_agenda_item_of_another_meeting_is_refused(meeting, organizer):
    other_item = AgendaItemFactory.create()

    with pytest.raises(services.DocumentRefused):
        services.upload_document(
            meeting=meeting,
            file=SimpleUploadedFile("a.pdf", PDF_BYTES),
            title="",
            kind="materi",
            visibility="public",
            uploaded_by=organizer,
            agenda_item=other_item,
        )
    assert not Document.objects.exists()


# --- Who gets which file -----------------------------------------------------------------------


@pytest.fixture
def documents(meeting, organizer):
    def make(visibility):
        return services.upload_document(
            meeting=meeting,
            file=SimpleUploadedFile(f"{visibility}.pdf", PDF_BYTES),
            title=visibility,
            kind="materi",
            visibility=visibility,
            uploaded_by=organizer,
        )

    return {visibility: make(visibility) for visibility in Document.Visibility.values}


def statuses(client, documents, prefix="") -> dict[str, int]:
    return {
        visibility: client.get(f"{prefix}/documents/{document.pk}/download/").status_code
        if not prefix
        else client.get(f"{prefix}/documents/{document.pk}/").status_code
        for visibility, document in documents.items()
    }


def test_organizers_get_every_document(organizer_client, documents):
    assert statuses(organizer_client, documents) == {
        "organizers": 200,
        "participants": 200,
        "public": 200,
    }


def test_a_signed_in_participant_gets_participant_and_public_documents(client, meeting, documents):
    participant, _ = person_invited(meeting)
    client.force_login(participant)

    assert statuses(client, documents) == {"organizers": 403, "participants": 200, "public": 200}


def test_a_withdrawn_invitee_gets_only_public_documents(client, meeting, documents):
    withdrawn, _ = person_invited(meeting, withdrawn=True)
    client.force_login(withdrawn)

    assert statuses(client, documents) == {"organizers": 403, "participants": 403, "public": 200}


def test_a_member_of_another_meeting_gets_only_public_documents(client, documents):
    stranger, _ = person_invited(MeetingFactory.create())
    client.force_login(stranger)

    assert statuses(client, documents) == {"organizers": 403, "participants": 403, "public": 200}


def test_anonymous_visitors_get_public_documents_and_are_asked_to_sign_in_for_others(
    client, documents
):
    assert statuses(client, documents) == {"organizers": 302, "participants": 302, "public": 200}


def test_the_answer_link_opens_participant_documents(client, meeting, documents):
    _, invitation = person_invited(meeting)
    secret = issue_answer_link(invitation=invitation)

    assert statuses(client, documents, prefix=f"/a/{secret}") == {
        "organizers": 404,
        "participants": 200,
        "public": 200,
    }


def test_a_withdrawn_or_forged_answer_link_opens_nothing(client, meeting, documents):
    _, invitation = person_invited(meeting)
    secret = issue_answer_link(invitation=invitation)
    invitation.withdrawn_at = timezone.now()
    invitation.save()

    assert set(statuses(client, documents, prefix=f"/a/{secret}").values()) == {404}
    assert set(statuses(client, documents, prefix="/a/forged-secret").values()) == {404}


def test_a_speaker_gets_back_the_organizers_only_file_they_uploaded(client, meeting):
    speaker, _ = person_invited(meeting, role=Invitation.Role.SPEAKER)
    document = services.upload_document(
        meeting=meeting,
        file=SimpleUploadedFile("draf.pdf", PDF_BYTES),
        title="Draf paparan",
        kind="materi",
        visibility="organizers",
        uploaded_by=speaker,
    )
    client.force_login(speaker)

    assert client.get(f"/documents/{document.pk}/download/").status_code == 200


def test_a_download_is_the_stored_file_with_safe_headers(organizer_client, documents):
    document = documents["participants"]

    response = organizer_client.get(f"/documents/{document.pk}/download/")

    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Disposition"].startswith("inline")
    assert "no-store" in response["Cache-Control"]


def test_word_files_are_downloaded_as_attachments(organizer_client, meeting, organizer):
    document = services.upload_document(
        meeting=meeting,
        file=SimpleUploadedFile("Pedoman.docx", docx_bytes()),
        title="Pedoman",
        kind="materi",
        visibility="participants",
        uploaded_by=organizer,
    )

    response = organizer_client.get(f"/documents/{document.pk}/download/")

    assert response["Content-Disposition"].startswith('attachment; filename="Pedoman.docx"')


def test_documents_are_stored_outside_the_media_folder(organizer_client, documents, settings):
    from outputs.models import documents_storage

    location = Path(documents_storage().location).resolve()
    document = documents["organizers"]

    assert not location.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert organizer_client.get(f"/media/{document.file.name}").status_code == 404


def test_the_documents_page_lists_what_the_person_may_see(client, meeting, documents):
    speaker, _ = person_invited(meeting, role=Invitation.Role.SPEAKER)
    client.force_login(speaker)

    page = client.get(URL.format(pk=meeting.pk)).content.decode()

    assert "participants" in page
    assert "public" in page
    assert f"/documents/{documents['organizers'].pk}/download/" not in page


def test_an_organizer_deletes_a_document_and_its_file(
    organizer_client, documents, django_capture_on_commit_callbacks
):
    document = documents["public"]
    path = Path(document.file.path)

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(f"/documents/{document.pk}/delete/")

    assert response.status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not path.exists()


def test_a_participant_cannot_delete_a_document(client, meeting, documents):
    participant, _ = person_invited(meeting)
    client.force_login(participant)

    response = client.post(f"/documents/{documents['public'].pk}/delete/")

    assert response.status_code == 403
    assert Document.objects.filter(pk=documents["public"].pk).exists()


def test_forged_links_at_documents_count_against_the_address_like_at_the_answer_page(
    client, meeting, documents
):
    _, invitation = person_invited(meeting)
    secret = issue_answer_link(invitation=invitation)
    for _ in range(WRONG_LINKS.allowed // len(documents)):
        statuses(client, documents, prefix="/a/forged-secret")

    assert set(statuses(client, documents, prefix="/a/forged-secret").values()) == {429}
    assert statuses(client, documents, prefix=f"/a/{secret}") == {
        "organizers": 404,
        "participants": 200,
        "public": 200,
    }
