"""The surat undangan: the letter an organizer writes, issues, and every invitation carries."""

import email
import io
from datetime import date
from email import policy

import pytest
from django.core import mail
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from events import services
from events.letters.docx import letter_docx
from events.letters.pdf import letter_pdf
from events.models import InvitationLetter, Meeting
from events.services import letters
from outbox.models import Kind, OutboxMessage
from records.models import FrozenDocument
from tests.events.factories import AgendaItemFactory, InvitationFactory, MeetingFactory
from tests.members.factories import AgencyFactory, MemberFactory, UserFactory
from tests.support.found import present
from tests.support.meetings import sessions_as_they_are

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def squashed(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def meeting(organizer):
    kemenag = AgencyFactory.create(
        name="Kementerian Agama", letterhead_name="Kementerian Agama Republik Indonesia"
    )
    balitbang = AgencyFactory.create(
        name="Badan Litbang dan Diklat",
        parent=kemenag,
        address="Jl. M.H. Thamrin No. 6, Jakarta Pusat 10340\nTelepon (021) 3920688",
    )
    chair = MemberFactory.create(
        full_name="Muharam Marzuki",
        position="Sekretaris Badan Litbang dan Diklat",
        nip="196805121995031001",
        agency=balitbang,
    )
    meeting = MeetingFactory.create(
        sessions=2,
        host_agency=balitbang,
        chair=chair,
        title="Koordinasi Pranata Humas Antar K/L",
        letter_number="B-1234/BD.I/HM.01/11/2021",
        mode=Meeting.Mode.HYBRID,
        online_url="https://meet.jit.si/RakorHumas",
        time_zone="Asia/Makassar",
        capacity=None,
    )
    meeting.organizers.add(organizer)
    AgendaItemFactory.create(meeting=meeting, title="Pembukaan", position=0)
    AgendaItemFactory.create(meeting=meeting, title="Paparan kurikulum pranata humas", position=1)
    return meeting


def saved_letter(meeting, **fields) -> InvitationLetter:
    letter = letters.letter_for(meeting=meeting)
    for name, value in fields.items():
        setattr(letter, name, value)
    letter.save()
    return letter


def test_a_new_letter_is_drafted_from_the_meeting_in_indonesian(meeting):
    letter = letters.letter_for(meeting=meeting)

    assert letter.pk is None
    assert letter.place == "Jakarta Pusat"
    assert letter.subject == "Undangan Koordinasi Pranata Humas Antar K/L"
    assert letter.signatory_name == "Muharam Marzuki"
    assert letter.signatory_nip == "196805121995031001"
    assert letter.addressed_to_list


def test_the_letter_prints_every_part_of_a_surat_undangan(meeting):
    InvitationFactory.create(
        meeting=meeting,
        member=MemberFactory.create(
            full_name="Grace Lumowa", agency=AgencyFactory.create(name="Kementerian Kominfo")
        ),
    )
    letter = saved_letter(
        meeting,
        letter_date=date(2021, 11, 12),
        contact_name="Rina Kusumawati",
        contact_phone="0813 1145 2087",
        carbon_copies="Kepala Badan Litbang dan Diklat",
    )

    text = pdf_text(letter_pdf(letter=letter))

    for part in (
        "KEMENTERIAN AGAMA REPUBLIK INDONESIA",
        "BADAN LITBANG DAN DIKLAT",
        "Jl. M.H. Thamrin No. 6",
        "Nomor",
        "B-1234/BD.I/HM.01/11/2021",
        "Jakarta Pusat, 12 November 2021",
        "Sifat",
        "Biasa",
        "Lampiran",
        "1 (satu) berkas",
        "Hal",
        "Undangan Koordinasi Pranata Humas Antar K/L",
        "Yth. Bapak/Ibu (daftar terlampir)",
        "Kamis, 25 November 2021",
        "08.00–16.00 WITA",
        "Aula Gedung Kementerian Agama",
        "https://meet.jit.si/RakorHumas",
        "Paparan kurikulum pranata humas",
        "DIPA instansi masing-masing",
        "Rina Kusumawati (0813 1145 2087)",
        "Sekretaris Badan Litbang dan Diklat,",
        "NIP 196805121995031001",
        "Tembusan",
        "Lampiran Surat Undangan",
        "Grace Lumowa",
        "Kementerian Kominfo",
        "PRATINJAU",
    ):
        assert squashed(part) in squashed(text), part


def test_a_letter_to_named_positions_lists_them_after_yth_and_attaches_no_list(meeting):
    letter = saved_letter(
        meeting,
        addressed_to_list=False,
        addressees="Sekretaris Jenderal Kementerian Kominfo\nKepala Biro Humas BPS",
        travel_costs=InvitationLetter.TravelCosts.HOST,
    )

    text = squashed(pdf_text(letter_pdf(letter=letter)))

    assert squashed("Yth.") in text
    assert squashed("Sekretaris Jenderal Kementerian Kominfo;") in text
    assert squashed("DIPA Badan Litbang dan Diklat") in text
    assert squashed("Lampiran Surat Undangan") not in text


def test_the_word_file_says_the_same(meeting):
    letter = saved_letter(meeting, carbon_copies="Inspektur Jenderal")

    document = Document(io.BytesIO(letter_docx(letter=letter)))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for t in document.tables for r in t.rows for cell in r.cells)

    for part in (
        "KEMENTERIAN AGAMA REPUBLIK INDONESIA",
        "B-1234/BD.I/HM.01/11/2021",
        "08.00–16.00 WITA",
        "https://meet.jit.si/RakorHumas",
        "Muharam Marzuki",
        "Inspektur Jenderal",
    ):
        assert part in text, part


def test_a_final_letter_is_frozen_and_every_invitation_carries_it_stored_once(
    meeting, organizer, django_capture_on_commit_callbacks
):
    saved_letter(meeting)
    document = letters.finalise_letter(meeting=meeting, by=organizer)
    invitations = [InvitationFactory.create(meeting=meeting) for _ in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        services.send_invitations(meeting=meeting, invitations=invitations)

    assert document.version == 1
    assert document.kind == FrozenDocument.Kind.SURAT_UNDANGAN
    assert document.docx_id is not None
    assert "PRATINJAU" not in pdf_text(document.pdf_bytes())
    rows = OutboxMessage.objects.filter(kind=Kind.INVITATION)
    emails = 3 * meeting.sessions.count()  # one email per person and session
    assert rows.count() == emails
    for row in rows:
        assert len(bytes(row.raw)) < len(document.pdf_bytes())  # a reference, not a copy
    assert len(mail.outbox) == emails
    for sent in mail.outbox:
        message = email.message_from_bytes(sent.message().as_bytes(), policy=policy.default)
        [pdf] = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
        assert pdf.get_content() == document.pdf_bytes()
        assert present(pdf.get_filename()).startswith("surat-undangan-")


def test_a_letter_needs_its_number_and_a_second_issue_needs_a_reason(meeting, organizer):
    saved_letter(meeting)
    Meeting.objects.filter(pk=meeting.pk).update(letter_number="")

    with pytest.raises(letters.LetterError):
        letters.finalise_letter(meeting=meeting, by=organizer)
    Meeting.objects.filter(pk=meeting.pk).update(letter_number="B-1/2021")
    letters.finalise_letter(meeting=meeting, by=organizer)
    with pytest.raises(letters.LetterError):
        letters.finalise_letter(meeting=meeting, by=organizer)
    second = letters.finalise_letter(meeting=meeting, by=organizer, reason="Salah ketik hal")

    assert second.version == 2
    assert FrozenDocument.objects.get(version=1).superseded_by == second


def test_the_letter_signed_in_srikandi_is_attached_instead(meeting, organizer):
    saved_letter(meeting)
    letters.finalise_letter(meeting=meeting, by=organizer)
    signed = letter_pdf(letter=InvitationLetter.objects.get())  # stands in for SRIKANDI's file

    uploaded = letters.upload_signed_letter(
        meeting=meeting,
        pdf=signed,
        number="B-1235/BD.I/HM.01/11/2021",
        letter_date=date(2021, 11, 15),
        by=organizer,
        reason="Ditandatangani di SRIKANDI",
    )

    [attachment] = letters.letter_attachments(Meeting.objects.get(pk=meeting.pk))
    meeting.refresh_from_db()
    assert uploaded.version == 2
    assert uploaded.pdf_bytes() == signed
    assert attachment.pk == uploaded.pdf_id
    assert meeting.letter_number == "B-1235/BD.I/HM.01/11/2021"
    assert letters.issued_letter(meeting) == {
        "number": "B-1235/BD.I/HM.01/11/2021",
        "date": date(2021, 11, 15),
    }


@pytest.mark.usefixtures("organizer")
def test_an_upload_that_is_not_a_pdf_is_refused(meeting):
    saved_letter(meeting)

    with pytest.raises(letters.LetterError):
        letters.upload_signed_letter(
            meeting=meeting, pdf=b"<html>", number="B-1", letter_date=date(2021, 11, 1), by=None
        )

    assert not FrozenDocument.objects.exists()


def test_moving_the_meeting_after_the_letter_is_final_issues_a_ralat_that_the_update_carries(
    meeting, organizer, django_capture_on_commit_callbacks
):
    saved_letter(meeting, letter_date=date(2021, 11, 12))
    first = letters.finalise_letter(meeting=meeting, by=organizer)
    invitation = InvitationFactory.create(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_invitations(meeting=meeting, invitations=[invitation])
    mail.outbox.clear()
    sessions = sessions_as_they_are(meeting)

    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(
            meeting=meeting,
            data={"venue": "Ruang Rapat Cendana, Hotel Harmoni"},
            sessions=sessions,
            agenda=[{"pk": a.pk, "title": a.title} for a in meeting.agenda_items.all()],
            by=organizer,
        )

    ralat = FrozenDocument.objects.get(version=2)
    first.refresh_from_db()
    text = squashed(pdf_text(ralat.pdf_bytes()))
    assert first.superseded_by == ralat
    assert ralat.title.startswith("Ralat Surat Undangan Nomor B-1234/BD.I/HM.01/11/2021")
    assert squashed("Ralat atas surat undangan") in text or squashed("ralat atas") in text
    assert squashed("Nomor B-1234/BD.I/HM.01/11/2021 tanggal 12 November 2021") in text
    assert squashed("Ruang Rapat Cendana, Hotel Harmoni") in text
    assert len(mail.outbox) == meeting.sessions.count()  # the update, per session
    for update in mail.outbox:
        message = email.message_from_bytes(update.message().as_bytes(), policy=policy.default)
        [pdf] = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
        assert pdf.get_content() == ralat.pdf_bytes()


def test_organizers_write_preview_and_issue_the_letter_on_its_page(organizer_client, meeting):
    url = reverse("events:letter", args=[meeting.pk])
    page = organizer_client.get(url)
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(number="B-9/BD.I/2021", letter_date="2021-11-12", addressed_to_list="on")

    saved = organizer_client.post(url, data)
    preview = organizer_client.get(reverse("events:letter_preview", args=[meeting.pk, "pdf"]))
    word = organizer_client.get(reverse("events:letter_preview", args=[meeting.pk, "docx"]))
    final = organizer_client.post(reverse("events:letter_finalise", args=[meeting.pk]))
    version = FrozenDocument.objects.get()
    download = organizer_client.get(
        reverse("records:document_download", args=[meeting.pk, version.pk, "pdf"])
    )

    meeting.refresh_from_db()
    assert page.status_code == 200
    assert saved.status_code == 302
    assert meeting.letter_number == "B-9/BD.I/2021"
    assert preview["Content-Type"] == "application/pdf"
    assert word.content.startswith(b"PK")
    assert final.status_code == 302
    assert download.content == FrozenDocument.objects.get().pdf_bytes()


def test_nobody_else_sees_the_letter(client, meeting):
    client.force_login(UserFactory.create())

    assert client.get(reverse("events:letter", args=[meeting.pk])).status_code == 403


def test_the_letter_form_names_the_addressees_location_not_a_time(organizer_client, meeting):
    """The line under Yth. ("di Tempat") is a place: its field is not labelled "Pukul"."""
    page = organizer_client.get(reverse("events:letter", args=[meeting.pk]))

    label = page.context["form"]["addressee_location"].label
    assert str(label) == "Lokasi yang dituju (sesudah “di”)"
    assert "Pukul" not in page.text
