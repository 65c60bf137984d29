"""The minutes and the activity report as files: what an organizer reads in the PDF and DOCX."""

import io
from datetime import UTC, datetime

import pytest
from docx import Document as WordDocument
from pypdf import PdfReader

from attendance.models import CheckIn, Excuse
from events.models import Invitation
from outputs.exports import activity_report_pdf, minutes_docx, minutes_pdf
from outputs.models import Action, Minutes
from outputs.services.report import report_for
from tests.events.factories import AgendaItemFactory, InvitationFactory, MeetingFactory
from tests.members.factories import AgencyFactory, MemberFactory
from tests.outputs.factories import (
    ActionFactory,
    DecisionFactory,
    MinutesFactory,
    MinutesSectionFactory,
)
from tests.support.documents import docx_text, pdf_text
from tests.support.found import present

SCRIPT = "<script>alert(1)</script>"
CHAIR_NIP = "197001011995031001"
NOTULIS_NIP = "198505052010012002"


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def meeting(db):  # noqa: ARG001 (requested for its effect)
    kemenag = AgencyFactory.create(name="Kementerian Agama", acronym="Kemenag")
    bps = AgencyFactory.create(name="Badan Pusat Statistik", acronym="BPS")
    chair = MemberFactory.create(full_name="Dr. Muhammad Ja'far", nip=CHAIR_NIP, agency=kemenag)
    notulis = MemberFactory.create(full_name="Ni Luh Putu Ayu", nip=NOTULIS_NIP, agency=kemenag)
    meeting = MeetingFactory.create(
        title="Koordinasi Pranata Humas Antar K/L", chair=chair, minute_taker=notulis
    )
    session = meeting.sessions.get()
    at = datetime(2021, 11, 25, 1, 30, tzinfo=UTC)
    for _ in range(3):
        invitation = InvitationFactory.create(
            meeting=meeting,
            member=MemberFactory.create(agency=kemenag),
            answer=Invitation.Answer.YES,
        )
        CheckIn.objects.create(invitation=invitation, session=session, at=at, method="scan")
    for index in range(2):
        invitation = InvitationFactory.create(
            meeting=meeting, member=MemberFactory.create(agency=bps)
        )
        if index == 0:
            CheckIn.objects.create(invitation=invitation, session=session, at=at, method="scan")
        else:
            Excuse.objects.create(invitation=invitation, session=session, reason="Sakit")
    return meeting


@pytest.fixture
def minutes(meeting):
    minutes = MinutesFactory.create(
        meeting=meeting,
        state=Minutes.State.APPROVED,
        version=1,
        approved_at=datetime(2021, 11, 26, 9, 0, tzinfo=UTC),
        approver_name="Dr. Muhammad Ja'far",
        approver_nip=CHAIR_NIP,
        conclusions="Pedoman pelatihan disusun bersama Iprahumas.",
    )
    item = AgendaItemFactory.create(meeting=meeting, title="Penyusunan kurikulum")
    MinutesSectionFactory.create(
        minutes=minutes,
        title="Penyusunan kurikulum",
        discussion=(
            f"Peserta membahas **silabus** pelatihan.\n\n- modul dasar\n- modul lanjut\n\n{SCRIPT}"
        ),
    )
    DecisionFactory.create(
        meeting=meeting, number=1, agenda_item=item, text="Iprahumas menjadi think tank."
    )
    DecisionFactory.create(
        meeting=meeting, number=2, text=f"Sertifikasi humas dipimpin Iprahumas {SCRIPT}"
    )
    ActionFactory.create(
        meeting=meeting,
        title="Menyusun draf pedoman pelatihan",
        responsible_agency=AgencyFactory.create(name="Kementerian Agama"),
        status=Action.Status.IN_PROGRESS,
    )
    ActionFactory.create(
        meeting=meeting,
        title=f"Mengirim silabus {SCRIPT}",
        responsible_agency=None,
        responsible_member=meeting.chair,
    )
    return minutes


def test_minutes_pdf_prints_header_body_actions_and_signatures(minutes):
    text = pdf_text(minutes_pdf(minutes=minutes))
    words = flat(text)

    assert "NOTULEN" in words.upper() or "MINUTES" in words.upper()
    assert "Koordinasi Pranata Humas Antar K/L" in words
    assert "Kamis, 25 November 2021" in words
    assert "08.00–16.00 WIB" in words
    assert "Aula Gedung Kementerian Agama" in words
    assert "1. Iprahumas menjadi think tank." in words
    assert "2. Sertifikasi humas dipimpin Iprahumas" in words
    assert "1 Menyusun draf pedoman pelatihan Kementerian Agama (Kemenag) 31 Januari 2022" in words
    assert "Dr. Muhammad Ja'far" in words
    assert CHAIR_NIP in words
    assert "Ni Luh Putu Ayu" in words
    assert NOTULIS_NIP in words
    assert "Halaman 1 dari" in words


def test_minutes_pdf_sums_up_who_came_and_leaves_the_list_to_the_attached_daftar_hadir(minutes):
    words = flat(pdf_text(minutes_pdf(minutes=minutes)))

    # The chair and the minute-taker are not invited here: 3 of Kemenag, 1 of 2 of BPS.
    assert "Peserta : daftar hadir terlampir (4 orang hadir dari 2 instansi, dari 5" in words
    assert "1 berhalangan" in words
    assert "Dasar : Surat Undangan Nomor B-" in words


def test_script_in_the_minutes_is_text_in_the_pdf_and_docx(minutes):
    html_source = __import__("outputs.exports", fromlist=["minutes_html"]).minutes_html(
        minutes=minutes
    )
    pdf_words = flat(pdf_text(minutes_pdf(minutes=minutes)))
    docx_words = flat(docx_text(minutes_docx(minutes=minutes)))

    assert "<script>" not in html_source
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_source
    assert SCRIPT in pdf_words  # printed as the text that was typed
    assert SCRIPT in docx_words


def test_minutes_docx_holds_the_same_content(minutes):
    text = docx_text(minutes_docx(minutes=minutes))
    words = flat(text)

    assert "Koordinasi Pranata Humas Antar K/L" in words
    assert "Kamis, 25 November 2021" in words
    assert "08.00–16.00 WIB" in words
    assert "silabus" in words
    assert "modul dasar" in words
    assert "**" not in words
    assert "Iprahumas menjadi think tank." in words
    assert (
        "1 | Menyusun draf pedoman pelatihan | Kementerian Agama (Kemenag) | 31 Januari 2022"
        in words
    )
    assert "Dr. Muhammad Ja'far" in words
    assert CHAIR_NIP in words
    assert "Ni Luh Putu Ayu" in words
    assert NOTULIS_NIP in words
    assert "daftar hadir terlampir (4 orang hadir dari 2 instansi" in words


def test_control_characters_typed_in_the_minutes_do_not_break_the_docx(minutes):
    # A vertical tab or another C0 control (pasted from Word, say) has no place in XML.
    section = minutes.sections.get()
    section.discussion = "Ruang\x0blingkup \x01kurikulum"
    section.save()
    DecisionFactory.create(meeting=minutes.meeting, number=3, text="Keputusan\x0bketiga")
    ActionFactory.create(meeting=minutes.meeting, title="Tindak\x1flanjut")

    words = flat(docx_text(minutes_docx(minutes=minutes)))

    assert "Ruanglingkup kurikulum" in words
    assert "3. Keputusanketiga" in words
    assert "Tindaklanjut" in words


def test_quotes_nested_hundreds_deep_do_not_break_the_pdf(minutes):
    section = minutes.sections.get()
    section.discussion = ">" * 300 + " kutipan terdalam"
    section.save()

    assert "kutipan terdalam" in flat(pdf_text(minutes_pdf(minutes=minutes)))


def test_draft_minutes_are_marked_as_draft(meeting):
    minutes = MinutesFactory.create(meeting=meeting)

    words = flat(pdf_text(minutes_pdf(minutes=minutes))).upper()

    assert "DRAF" in words


def test_minutes_in_english_on_request(minutes):
    words = flat(pdf_text(minutes_pdf(minutes=minutes, language="en")))

    assert "Thursday, 25 November 2021" in words
    assert "Page 1 of" in words


def test_activity_report_follows_permenpan_80_2012(minutes):
    report = report_for(meeting=minutes.meeting)
    words = flat(pdf_text(activity_report_pdf(report=report)))

    for heading in (
        "LAPORAN",
        "A. Pendahuluan",
        "1. Umum",
        "2. Maksud dan Tujuan",
        "3. Ruang Lingkup",
        "4. Dasar",
        "B. Kegiatan yang Dilaksanakan",
        "C. Hasil yang Dicapai",
        "3. Hambatan",
        "D. Simpulan dan Saran",
        "E. Penutup",
    ):
        assert heading in words
    assert "Iprahumas menjadi think tank." in words
    assert "Menyusun draf pedoman pelatihan" in words
    assert "Badan Pusat Statistik" in words
    assert SCRIPT in words or "alert(1)" not in words


def test_discussion_markdown_becomes_word_lists_and_bold(minutes):
    document = WordDocument(io.BytesIO(minutes_docx(minutes=minutes)))

    bullets = [p.text for p in document.paragraphs if present(p.style).name == "List Bullet"]
    bold = [run.text for p in document.paragraphs for run in p.runs if run.bold]

    assert bullets == ["modul dasar", "modul lanjut"]
    assert "silabus" in bold


def test_organizer_downloads_the_minutes_and_the_report(client, organizer, minutes):
    minutes.meeting.organizers.add(organizer)
    client.force_login(organizer)
    pk = minutes.meeting.pk

    pdf = client.get(f"/meetings/{pk}/minutes.pdf")
    docx = client.get(f"/meetings/{pk}/minutes.docx")
    report = client.get(f"/meetings/{pk}/report.pdf")

    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith('attachment; filename="notulen-')
    assert "Iprahumas menjadi think tank." in flat(pdf_text(pdf.content))
    assert docx.status_code == 200
    assert docx["Content-Type"].endswith("wordprocessingml.document")
    assert "Iprahumas menjadi think tank." in docx_text(docx.content)
    assert report.status_code == 200
    assert report.content.startswith(b"%PDF-")


def test_only_organizers_download_the_minutes(client, minutes):
    from tests.members.factories import UserFactory

    pk = minutes.meeting.pk
    anonymous = client.get(f"/meetings/{pk}/minutes.pdf")
    client.force_login(UserFactory.create())
    stranger = client.get(f"/meetings/{pk}/minutes.docx")

    assert anonymous.status_code == 302
    assert stranger.status_code == 403


def test_a_meeting_without_minutes_has_no_minutes_file_but_a_report(client, organizer, meeting):
    meeting.organizers.add(organizer)
    client.force_login(organizer)

    assert client.get(f"/meetings/{meeting.pk}/minutes.pdf").status_code == 404
    report = client.get(f"/meetings/{meeting.pk}/report.pdf")
    assert report.status_code == 200
    assert meeting.title in flat(pdf_text(report.content))


def test_the_meeting_page_links_the_documents_and_files(client, organizer, minutes):
    meeting = minutes.meeting
    meeting.organizers.add(organizer)
    client.force_login(organizer)

    page = client.get(f"/meetings/{meeting.pk}/").content.decode()

    for url in ("documents/", "minutes.pdf", "minutes.docx", "report.pdf"):
        assert f"/meetings/{meeting.pk}/{url}" in page


def test_the_report_embeds_the_photos_and_draws_the_attendance_chart(
    minutes, organizer, tmp_path, monkeypatch
):
    from django.core.files.storage import FileSystemStorage
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from outputs.exports_report import activity_report_html
    from outputs.models import Document
    from outputs.services import upload_document

    monkeypatch.setattr(
        Document._meta.get_field("file"), "storage", FileSystemStorage(location=tmp_path)
    )
    minutes.meeting.organizers.add(organizer)
    for n in range(7):
        buffer = io.BytesIO()
        Image.new("RGB", (320, 240), (40 * n, 90, 160)).save(buffer, "PNG")
        upload_document(
            meeting=minutes.meeting,
            file=SimpleUploadedFile(f"foto-{n}.png", buffer.getvalue()),
            title=f"Dokumentasi {n}",
            kind="dokumentasi",
            visibility="participants",
            uploaded_by=organizer,
        )

    report = report_for(meeting=minutes.meeting)
    html = activity_report_html(report=report)
    reader = PdfReader(io.BytesIO(activity_report_pdf(report=report)))

    # The chart: per agency its label, its invited bar with the present one over it, and
    # present/invited (Kemenag: 3 of 3; BPS: 1 of 2).
    text = flat(" ".join(page.extract_text() for page in reader.pages))
    assert "Kemenag 3/3" in text
    assert "BPS 1/2" in text
    assert html.count('class="bar invited"') == html.count('class="bar present"') == 2
    assert html.count('src="file://') == 7
    assert (
        len({present(image.image).tobytes() for page in reader.pages for image in page.images}) == 7
    )
    assert html.count('class="photo-page"') == 2  # six photos a page at most


def test_a_meeting_whose_days_keep_different_hours_shows_each_days_hours():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from events.models import Meeting, Session
    from outputs.exports import meeting_when

    jakarta = ZoneInfo("Asia/Jakarta")
    meeting = Meeting(time_zone="Asia/Jakarta")
    sessions = [
        Session(
            title="Hari 1",
            starts_at=datetime(2021, 11, 25, 8, tzinfo=jakarta),
            ends_at=datetime(2021, 11, 25, 16, tzinfo=jakarta),
        ),
        Session(
            title="Hari 2",
            starts_at=datetime(2021, 11, 26, 8, tzinfo=jakarta),
            ends_at=datetime(2021, 11, 26, 12, tzinfo=jakarta),
        ),
    ]

    when = meeting_when(meeting=meeting, sessions=sessions)

    assert when["time"] == "Hari 1 08.00–16.00; Hari 2 08.00–12.00 WIB"
