"""The daftar hadir: the PDF an organizer prints and files for the accounts, read back as text."""

import io
import re

import pytest
from django.urls import reverse
from django.utils.translation import gettext, override
from pypdf import PdfReader

from attendance.models import CheckIn, SheetSettings
from attendance.pdf import daftar_hadir_pdf
from events.models import Invitation
from tests.attendance.factories import AcceptedInvitationFactory, CheckInFactory, signature_png
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import AgencyFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(organizer):
    chair = MemberFactory.create(full_name="Muharam Marzuki", nip="196808121994031002")
    meeting = MeetingFactory.create(
        sessions=2,
        title="Koordinasi Pranata Humas Antar K/L",
        venue="Ruang Rapat Cendana, Hotel Harmoni Thamrin",
        chair=chair,
    )
    meeting.organizers.add(organizer)
    return meeting


def person(meeting, name, nip, agency="Kementerian Agama", answer=Invitation.Answer.YES):
    return InvitationFactory.create(
        meeting=meeting,
        answer=answer,
        member=MemberFactory.create(
            full_name=name,
            nip=nip,
            position="Pranata Humas Ahli Muda",
            agency=AgencyFactory.create(name=agency),
        ),
    )


def text_of(pdf: bytes) -> tuple[list[str], PdfReader]:
    reader = PdfReader(io.BytesIO(pdf))
    return [page.extract_text() for page in reader.pages], reader


def squashed(text: str) -> str:
    """Text without spaces and line breaks: a PDF reader may join or split the words of a
    table cell that wraps."""
    return "".join(text.split())


def in_indonesian(text: str) -> str:
    with override("id"):
        return gettext(text)


def test_the_sheet_of_a_session_lists_who_was_there_with_the_header_and_signatures(meeting):
    day_one = meeting.sessions.first()
    ani = person(meeting, "Ani Rahmawati", "198503152010012001", "Badan Pusat Statistik")
    budi = person(meeting, "Budi Santoso", "197912202005011003")
    person(meeting, "Citra Lestari", "199001012015032002")  # accepted, did not come
    CheckInFactory.create(invitation=ani, session=day_one, signature=signature_png())
    CheckInFactory.create(invitation=budi, session=day_one)
    SheetSettings.objects.create(
        meeting=meeting, certifier_name="Muharam Marzuki", certifier_nip="196808121994031002"
    )

    [first_page], reader = text_of(daftar_hadir_pdf(session=day_one))

    assert reader.pages[0].mediabox.width == pytest.approx(595, abs=2)  # A4 portrait
    assert reader.pages[0].mediabox.height == pytest.approx(842, abs=2)
    assert "Koordinasi Pranata Humas Antar K/L" in first_page
    assert "Kamis, 25 November 2021" in first_page
    assert "08.00–16.00 WIB" in first_page
    assert "Ruang Rapat Cendana" in first_page
    assert "Muharam Marzuki" in first_page
    assert "196808121994031002" in first_page
    for label in ("Attendance sheet", "Name", "NIP", "Position", "Work unit", "Signature"):
        assert in_indonesian(label).upper() in first_page.upper()
    rows = squashed(first_page)
    assert "AniRahmawati" in rows
    assert "198503152010012001" in rows
    assert "BadanPusatStatistik" in rows
    assert "BudiSantoso" in rows
    assert "197912202005011003" in rows
    assert "CitraLestari" not in rows
    assert rows.index("AniRahmawati") < rows.index("BudiSantoso")
    assert f"{in_indonesian('Page')} 1 {in_indonesian('of')} 1" in first_page
    # The captured signature is printed: one picture on the page.
    assert len(reader.pages[0].images) == 1


def test_a_long_sheet_runs_over_pages_that_are_numbered(meeting):
    day_two = meeting.sessions.last()
    for n in range(60):
        invitation = person(meeting, f"Peserta {n:02d}", f"1985031520100110{n:02d}")
        CheckInFactory.create(invitation=invitation, session=day_two)

    pages, _reader = text_of(daftar_hadir_pdf(session=day_two))

    assert len(pages) >= 2
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        assert f"{in_indonesian('Page')} {number} {in_indonesian('of')} {total}" in page
    everything = squashed("".join(pages))
    assert all(f"Peserta{n:02d}" in everything for n in range(60))
    assert all(f"1985031520100110{n:02d}" in everything for n in range(60))
    assert "Jumat, 26 November 2021" in pages[0]


def test_three_digit_row_numbers_and_their_marks_stay_in_the_number_column(meeting, organizer):
    from django.utils import timezone

    from attendance.models import LateSignature
    from attendance.pdf import daftar_hadir_html
    from tests.support.overflow import overflowing_text

    day_two = meeting.sessions.last()
    agency = AgencyFactory.create(name="Kementerian Agama")
    invitations = Invitation.objects.bulk_create(
        Invitation(meeting=meeting, member=member, answer=Invitation.Answer.YES)
        for member in MemberFactory.create_batch(104, agency=agency)
    )
    checkins = CheckIn.objects.bulk_create(
        CheckIn(
            invitation=invitation,
            session=day_two,
            at=day_two.starts_at,
            method=CheckIn.Method.SCAN,
            signature=signature_png(),
        )
        for invitation in invitations
    )
    LateSignature.objects.create(
        checkin=checkins[-1],
        reason="Tertinggal di meja",
        allowed_by=organizer,
        allowed_by_name="Panitia",
        allowed_at=timezone.now(),
    )

    html, signatures = daftar_hadir_html(session=day_two)

    # The mark goes under the number, not beside it.
    assert re.search(r'<td class="no mark">\d{1,3}\n‡</td>', html)
    assert overflowing_text(html, signatures) == []


def test_the_blank_sheet_lists_those_who_accepted_with_empty_boxes(meeting):
    day_one = meeting.sessions.first()
    person(meeting, "Ani Rahmawati", "198503152010012001")
    person(meeting, "Dedi Kurniawan", "198807072012121001", answer=Invitation.Answer.NO)
    person(meeting, "Eka Putri", "", answer=Invitation.Answer.PENDING)

    [page], reader = text_of(daftar_hadir_pdf(session=day_one, blank=True))

    rows = squashed(page)
    assert "AniRahmawati" in rows
    assert "198503152010012001" in rows
    assert "DediKurniawan" not in rows
    assert "EkaPutri" not in rows
    assert not CheckIn.objects.exists()
    assert len(reader.pages[0].images) == 0


def test_organizers_download_the_sheets(organizer_client, meeting):
    day_one = meeting.sessions.first()
    CheckInFactory.create(
        invitation=AcceptedInvitationFactory.create(meeting=meeting), session=day_one
    )

    filled = organizer_client.get(reverse("attendance:sheet_pdf", args=[meeting.pk, day_one.pk]))
    blank = organizer_client.get(
        reverse("attendance:blank_sheet_pdf", args=[meeting.pk, day_one.pk])
    )

    assert filled["Content-Type"] == "application/pdf"
    assert filled.content.startswith(b"%PDF")
    assert blank["Content-Type"] == "application/pdf"
    assert blank.content.startswith(b"%PDF")


def test_nobody_else_downloads_them(client, meeting):
    client.force_login(UserFactory.create())
    day_one = meeting.sessions.first()

    response = client.get(reverse("attendance:sheet_pdf", args=[meeting.pk, day_one.pk]))

    assert response.status_code == 403
