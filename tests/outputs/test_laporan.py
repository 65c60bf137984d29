"""The laporan kegiatan per Permenpan 80/2012: a narrative drafted from the meeting and edited,
counts that agree with the attendance records, signed by the official who made it, finalised as
a record."""

import io
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from attendance.pdf import daftar_hadir_pdf
from events.models import Invitation
from outputs.exports import activity_report_pdf, attendance_by_agency, attendance_totals
from outputs.selectors import minutes_header
from outputs.services import report as reports
from records.models import FrozenDocument
from tests.attendance.factories import CheckInFactory, ExcuseFactory
from tests.events.factories import AgendaItemFactory, InvitationFactory, MeetingFactory
from tests.members.factories import AgencyFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def words(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())


@pytest.fixture
def meeting(organizer):
    MemberFactory.create(
        user=organizer,
        email=organizer.email,
        full_name="Rina Kusumawati",
        position="Kepala Bagian Umum dan Hubungan Masyarakat",
        nip="197806232003122001",
    )
    meeting = MeetingFactory.create(
        sessions=2,
        title="Koordinasi Pranata Humas Antar K/L",
        description="Koordinasi pranata humas kementerian/lembaga.",
    )
    meeting.organizers.add(organizer)
    AgendaItemFactory.create(meeting=meeting, title="Arahan Sekretaris Badan", position=0)
    return meeting


@pytest.fixture
def attendance(meeting):
    """Kemenag with one of its units, and BPS: a represented invitee whose stand-in came, one
    excused, one absent."""
    day_one, day_two = meeting.sessions.all()
    kemenag = AgencyFactory.create(name="Kementerian Agama")
    bdk = AgencyFactory.create(name="Balai Diklat Keagamaan Jakarta", parent=kemenag)
    bps = AgencyFactory.create(name="Badan Pusat Statistik")

    def invite(name, agency, answer=Invitation.Answer.YES, **kwargs):
        return InvitationFactory.create(
            meeting=meeting,
            answer=answer,
            member=MemberFactory.create(full_name=name, agency=agency),
            **kwargs,
        )

    ani = invite("Ani", kemenag)
    euis = invite("Euis", bdk)
    baiq = invite("Baiq", bps)
    invite("Slamet", bps, answer=Invitation.Answer.REPRESENTED, represented_by=baiq)
    excused = invite("Teuku", bps)
    invite("Agus", bps, answer=Invitation.Answer.NO)
    for invitation in (ani, euis, baiq):
        CheckInFactory.create(invitation=invitation, session=day_one)
    CheckInFactory.create(invitation=ani, session=day_two)
    ExcuseFactory.create(invitation=excused, session=day_one)
    return meeting


def test_a_new_report_is_drafted_from_the_meeting_and_signed_by_who_makes_it(meeting, organizer):
    report = reports.report_for(meeting=meeting, by=organizer)

    assert report.pk is None
    assert report.background == "Koordinasi pranata humas kementerian/lembaga."
    assert report.scope == "Arahan Sekretaris Badan"
    assert report.basis.startswith("DIPA ")
    assert "Tahun Anggaran 2021" in report.basis
    assert "Surat Undangan Nomor B-" in report.basis
    assert (report.author_name, report.author_nip) == ("Rina Kusumawati", "197806232003122001")


def test_every_count_agrees_with_the_attendance_records(attendance):
    rows = attendance_by_agency(meeting=attendance)
    totals = attendance_totals(rows)

    # The unit is counted under its ministry, and each agency once.
    assert len(rows) == 2
    kemenag = next(row for row in rows if row.agency.startswith("Kementerian Agama"))
    bps = next(row for row in rows if row.agency.startswith("Badan Pusat Statistik"))
    assert kemenag.units == ["Balai Diklat Keagamaan Jakarta"]
    assert kemenag.present == 2
    # Slamet counts as present through Baiq, who stood in for him; Teuku is excused.
    assert (bps.invited, bps.present, bps.represented, bps.excused, bps.absent) == (4, 1, 1, 1, 1)
    assert totals["present"] == 3
    assert totals["attended"] == 4
    assert totals["agencies"] == 2
    # The people present are those on the daftar hadir.
    day_one = attendance.sessions.first()
    assert "Jumlah hadir: 3 orang" in words(daftar_hadir_pdf(session=day_one))
    text = words(activity_report_pdf(report=reports.report_for(meeting=attendance)))
    # Agencies, not "kementerian/lembaga": a provincial government or an association counts too.
    assert "Kegiatan dihadiri 3 orang dari 2 instansi, dari 6 undangan." in text
    assert "1 undangan hadir melalui wakilnya." in text
    assert "Hari 1" in text
    assert "Hadir (daftar hadir)" in text


def test_the_report_is_saved_signed_by_its_author_and_finalised_as_a_record(
    attendance, organizer, client
):
    draft = reports.report_for(meeting=attendance, by=organizer)
    data = reports.ReportData(
        **{
            name: getattr(draft, name)
            for name in reports.ReportData.__dataclass_fields__
            if name != "report_date"
        },
        report_date=date(2021, 12, 6),
    )
    with pytest.raises(reports.ReportError):
        reports.save_report(meeting=attendance, data=data, by=UserFactory.create())
    reports.save_report(meeting=attendance, data=data, by=organizer)

    first = reports.finalise_report(meeting=attendance, by=organizer)
    with pytest.raises(reports.ReportError):
        reports.finalise_report(meeting=attendance, by=organizer)  # a new version needs a reason
    CheckInFactory.create(
        invitation=InvitationFactory.create(meeting=attendance, answer=Invitation.Answer.YES),
        session=attendance.sessions.first(),
    )
    client.force_login(organizer)
    download = client.get(reverse("outputs:report_pdf", args=[attendance.pk])).content

    text = words(first.pdf_bytes())
    assert first.kind == FrozenDocument.Kind.LAPORAN
    assert first.signers == ["Rina Kusumawati"]
    assert "Jakarta Pusat, 6 Desember 2021" in text or ", 6 Desember 2021" in text
    assert "Kepala Bagian Umum dan Hubungan Masyarakat," in text
    assert "NIP 197806232003122001" in text
    assert "Mengetahui" not in text
    assert text.count("NIP ") == 1
    assert download == first.pdf_bytes()  # the counts as finalised, not as they are now
    assert "dihadiri 3 orang" in words(download)


def test_organizers_edit_and_finalise_the_report_on_its_page(organizer_client, meeting, client):
    url = reverse("outputs:report", args=[meeting.pk])
    page = organizer_client.get(url)
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(report_date="2021-12-06", place="Jakarta")

    saved = organizer_client.post(url, data)
    assert saved.status_code == 302, saved.context["form"].errors
    final = organizer_client.post(reverse("outputs:report_finalise", args=[meeting.pk]))
    frozen = FrozenDocument.objects.get()
    version = organizer_client.get(
        reverse("records:document_download", args=[meeting.pk, frozen.pk, "pdf"])
    )
    client.force_login(UserFactory.create())

    assert page.status_code == 200
    assert saved.status_code == 302
    assert final.status_code == 302
    assert version.content == FrozenDocument.objects.get().pdf_bytes()
    assert client.get(url).status_code == 403


def test_the_sessions_table_names_the_zone_of_its_times(organizer):
    from outputs.exports_report import activity_report_context

    meeting = MeetingFactory.create(sessions=2, time_zone="Asia/Makassar")
    meeting.organizers.add(organizer)

    context = activity_report_context(report=reports.report_for(meeting=meeting, by=organizer))

    # A multi-day meeting's table stands on its own: each row says WITA, as the header does.
    assert [session["time"] for session in context["sessions"]] == ["08.00–16.00 WITA"] * 2


def test_the_minutes_editor_counts_agencies_as_the_records_do(attendance):
    """Its header said "3 instansi" where the notulen and the laporan print 2: a unit counts
    under its ministry."""
    header = minutes_header(meeting=attendance)

    assert (
        header["agency_count"]
        == attendance_totals(attendance_by_agency(meeting=attendance))["agencies"]
    )
    assert header["agency_count"] == 2


def test_an_agency_that_attended_through_a_representative_counts_in_the_editor_too(attendance):
    """Present through someone of another agency, as the notulen and the laporan count it."""
    stand_in = attendance.invitations.get(member__full_name="Ani")
    InvitationFactory.create(
        meeting=attendance,
        answer=Invitation.Answer.REPRESENTED,
        represented_by=stand_in,
        member=MemberFactory.create(agency=AgencyFactory.create(name="Kementerian Keuangan")),
    )

    records = attendance_totals(attendance_by_agency(meeting=attendance))["agencies"]
    assert minutes_header(meeting=attendance)["agency_count"] == records == 3
