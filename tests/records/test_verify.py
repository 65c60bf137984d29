"""The public verification page: what the document is, and whether a file is the same bytes."""

import hashlib
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.links import WRONG_LINKS

from .support import freeze, page_text, simple_render


@pytest.fixture
def frozen(meeting, minutes, organizer):
    render = simple_render()
    document = freeze(
        meeting, minutes, organizer, title="Notulen Rapat Koordinasi Pranata Humas", render=render
    )
    return document, render.stamps[0].code


def test_the_page_shows_what_the_document_prints_and_nothing_about_who_froze_it(
    client, frozen, organizer
):
    document, code = frozen

    response = client.get(reverse("records:verify", kwargs={"code": code}))

    text = page_text(response)
    assert response.status_code == 200
    assert "Notulen Rapat Koordinasi Pranata Humas" in text
    assert document.meeting.title in text
    assert "Dr. H. Ahmad Fauzi, M.Pd." in text
    assert document.pdf_sha256 in text
    assert "Versi 1" in text or "Version 1" in text
    assert organizer.email not in response.content.decode()
    assert response["Referrer-Policy"] == "same-origin"  # the code in the URL stays here


def test_a_code_typed_from_paper_is_read_forgivingly(client, frozen):
    document, code = frozen
    typed = code.replace("-", " ").lower().replace("0", "o").replace("1", "l")

    response = client.get(reverse("records:verify", kwargs={"code": typed}))

    assert response.status_code == 200
    assert document.pdf_sha256 in page_text(response)


@pytest.mark.usefixtures("frozen")
def test_an_unknown_code_is_a_page_that_says_so(client):
    response = client.get(reverse("records:verify", kwargs={"code": "ABCD-" * 6 + "ABCD"}))

    assert response.status_code == 404


def test_a_dropped_file_is_checked_byte_for_byte(client, frozen):
    document, code = frozen
    url = reverse("records:verify", kwargs={"code": code})
    same = SimpleUploadedFile("notulen.pdf", document.pdf_bytes(), "application/pdf")
    changed = SimpleUploadedFile("notulen.pdf", document.pdf_bytes() + b"\n", "application/pdf")

    same_answer = page_text(client.post(url, {"file": same}))
    changed_answer = page_text(client.post(url, {"file": changed}))

    assert "Same bytes" in same_answer or "Sama persis" in same_answer
    assert "Not the same bytes" in changed_answer or "Tidak sama" in changed_answer


def test_a_superseded_version_says_it_was_replaced(client, frozen, meeting, minutes, organizer):
    _, code = frozen
    freeze(meeting, minutes, organizer, reason="Koreksi")

    client.cookies["django_language"] = "en"
    text = page_text(client.get(reverse("records:verify", kwargs={"code": code})))

    assert "It was replaced by a corrected version" in text


def test_guessing_codes_is_refused_but_the_right_code_still_opens(client, frozen):
    _, code = frozen
    for attempt in range(WRONG_LINKS.allowed):
        client.get(reverse("records:verify", kwargs={"code": f"{attempt:028d}"}))

    right = client.get(reverse("records:verify", kwargs={"code": code}))
    another_guess = client.get(reverse("records:verify", kwargs={"code": "9" * 28}))

    assert right.status_code == 200
    assert another_guess.status_code == 429


def test_the_page_costs_few_queries(client, frozen, django_assert_max_num_queries):
    _, code = frozen

    with django_assert_max_num_queries(3):
        client.get(reverse("records:verify", kwargs={"code": code}))


def test_a_file_larger_than_every_version_is_answered_without_being_read(client, frozen):
    document, code = frozen
    url = reverse("records:verify", kwargs={"code": code})
    content = b"%PDF-" + b"0" * (document.pdf_size + 70_000)
    client.cookies["django_language"] = "en"

    text = page_text(client.post(url, {"file": SimpleUploadedFile("besar.pdf", content)}))

    assert "Not the same bytes" in text
    assert hashlib.sha256(content).hexdigest() not in text  # never hashed: never read


def _section(response, heading_id: str) -> str:
    """The text of the page's section labelled by the heading `heading_id`."""
    html = response.content.decode()
    start = html.index(">", html.index(f'aria-labelledby="{heading_id}"')) + 1
    return page_text(
        SimpleNamespace(content=html[start : html.index("</section>", start)].encode())
    )


@pytest.mark.usefixtures("signing")
def test_printed_names_are_not_shown_as_the_electronic_signers(client, meeting, minutes, organizer):
    render = simple_render()
    freeze(
        meeting, minutes, organizer, signers=["Muharam Marzuki", "Dewi Anggraini"], render=render
    )

    response = client.get(reverse("records:verify", kwargs={"code": render.stamps[0].code}))

    printed = _section(response, "printed-signers")
    electronic = _section(response, "electronic-signature")
    assert "Nama penanda tangan yang tercetak pada dokumen" in printed
    assert "Muharam Marzuki" in printed
    assert "Dewi Anggraini" in printed
    assert "nama yang tercetak bukan tanda tangan elektronik" in printed
    assert "Ditandatangani oleh" not in page_text(response)
    assert "Tanda tangan elektronik" in electronic
    assert "Sekretariat Balitbang Diklat (uji)" in electronic  # the certificate's subject
    assert "Muharam Marzuki" not in electronic
    assert "Dewi Anggraini" not in electronic
    assert "Tanda tangan sah" in electronic


def test_an_unsigned_document_says_so_beside_the_printed_names(client, frozen):
    _document, code = frozen

    response = client.get(reverse("records:verify", kwargs={"code": code}))

    assert "Dr. H. Ahmad Fauzi, M.Pd." in _section(response, "printed-signers")
    electronic = _section(response, "electronic-signature")
    assert "tidak ditandatangani secara elektronik" in electronic
    assert "Dr. H. Ahmad Fauzi" not in electronic
