"""Item 4: every view or export of personal data in bulk leaves an access-log entry: who, what,
how many people and which, when, from where; staff find it by person and by user."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from members.models import Member
from personal_data.models import AccessedPerson, AccessEntry
from tests.attendance.factories import CheckInFactory
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import MemberFactory, UserFactory
from tests.support.exports import download

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(db):  # noqa: ARG001 (requested for its effect)
    staff = Client()
    staff.force_login(UserFactory.create(is_staff=True))
    return staff


def people_of(entry):
    return set(AccessedPerson.objects.filter(entry=entry).values_list("member_id", flat=True))


def test_a_directory_export_logs_who_what_how_many_and_from_where(organizer_client, organizer):
    members = MemberFactory.create_batch(3)

    response = organizer_client.get(
        reverse("members:export", args=["csv"]), REMOTE_ADDR="203.0.113.7"
    )

    assert response.status_code == 200
    entry = AccessEntry.objects.get(what="directory_export")
    assert entry.user == organizer
    assert entry.user_label == organizer.email
    assert entry.people == 3
    assert people_of(entry) == {m.pk for m in members}
    assert entry.client_address == "203.0.113.7"


def test_a_page_of_the_directory_logs_only_the_people_on_it(organizer_client):
    MemberFactory.create_batch(3)

    organizer_client.get(reverse("members:directory"))

    entry = AccessEntry.objects.get(what="directory")
    assert entry.people == 3 == len(people_of(entry))


def test_the_invitations_export_and_the_attendance_table_are_logged_with_their_meeting(
    organizer_client, organizer
):
    meeting = MeetingFactory.create()
    meeting.organizers.add(organizer)
    invited = InvitationFactory.create(meeting=meeting)
    checked_in = CheckInFactory.create(invitation__meeting=meeting)

    download(
        organizer_client, reverse("events:meeting_invitations_export", args=[meeting.pk, "xlsx"])
    )
    organizer_client.get(reverse("attendance:table", args=[meeting.pk]))

    export = AccessEntry.objects.get(what="invitations_export")
    table = AccessEntry.objects.get(what="attendance")
    assert export.meeting == table.meeting == meeting
    assert people_of(export) == {invited.member_id, checked_in.invitation.member_id}
    assert checked_in.invitation.member_id in people_of(table)


def test_staff_see_who_saw_a_persons_data_and_what_a_user_saw(
    staff_client, organizer_client, organizer
):
    seen = MemberFactory.create(email="dilihat@instansi.go.id")
    organizer_client.get(reverse("members:export", args=["csv"]))
    MemberFactory.create_batch(2)
    other = UserFactory.create(is_staff=True)
    organizer_client.force_login(other)
    organizer_client.get(reverse("members:directory"), {"q": "nobody-matches-this"})

    by_person = staff_client.get(reverse("personal_data:access_log"), {"person": seen.email})
    by_user = staff_client.get(reverse("personal_data:access_log"), {"user": other.email})

    assert [entry.user for entry in by_person.context["page"]] == [organizer]
    assert [entry.user for entry in by_user.context["page"]] == [other]
    assert organizer.email in by_person.content.decode()


@pytest.mark.parametrize("entries", [3, 120])
def test_the_access_log_page_costs_the_same_queries_however_long_the_log(
    staff_client, entries, django_assert_max_num_queries
):
    member = MemberFactory.create()
    user = UserFactory.create()
    for _ in range(entries):
        logged = AccessEntry.objects.create(
            at="2026-01-01T00:00Z", user=user, user_label="x", what="directory", people=1
        )
        AccessedPerson.objects.create(entry=logged, member=member)

    with django_assert_max_num_queries(8):
        response = staff_client.get(reverse("personal_data:access_log"), {"person": member.email})

    assert response.context["page"].paginator.count == entries


def test_only_staff_open_the_access_log(organizer_client):
    assert organizer_client.get(reverse("personal_data:access_log")).status_code == 403


def test_nobody_is_logged_as_seen_by_a_page_that_shows_nobody(organizer_client):
    organizer_client.get(reverse("members:directory"))

    assert AccessEntry.objects.get().people == 0
    assert not Member.objects.exists()


def test_opening_a_daftar_hadir_with_its_signatures_is_logged(organizer_client, organizer):
    checkin = CheckInFactory.create()
    meeting = checkin.session.meeting
    meeting.organizers.add(organizer)

    response = organizer_client.get(
        reverse("attendance:sheet_pdf", args=[meeting.pk, checkin.session_id])
    )

    assert response["Content-Type"] == "application/pdf"
    entry = AccessEntry.objects.get(what="daftar_hadir")
    assert entry.meeting == meeting
    assert people_of(entry) == {checkin.invitation.member_id}


def column_headers(html: str) -> list[str]:
    return re.findall(r"<th>([^<]*)</th>", html)


def test_the_access_log_columns_say_what_they_hold_in_indonesian(staff_client, organizer_client):
    organizer_client.get(reverse("members:export", args=["csv"]))

    page = staff_client.get(reverse("personal_data:access_log")).content.decode()

    # "From" is the client's address, not a date ("Dari tanggal" is the filters' "From").
    assert column_headers(page) == ["Waktu", "Siapa", "Kegiatan", "Orang", "Alamat IP"]
