"""Scope (UU 27/2022 Art. 35–36, 39): an organizer sees the contact data, NIP and signatures of
the people invited to or registered for their own meetings, and of their own agency's members;
others by name, position and agency only; staff see everything. Exports follow the same rule,
which lives in one place (privacy/scope.py)."""

import csv
import io

import pytest
from django.urls import reverse

from events import services as events_services
from privacy.scope import may_see_contact
from tests.events.factories import InvitationFactory
from tests.html import table_rows
from tests.members.factories import AgencyFactory, MemberFactory, UserFactory
from tests.personal_data import ACCESS_LOG
from tests.privacy.scope_world import (
    AGENCY,
    DIRECTORY,
    EMAIL,
    NAME,
    NIP,
    PHONE,
    POSITION,
    RANK,
    SITI_NIP,
)
from tests.support.exports import download

pytestmark = pytest.mark.django_db


def row_of(response, name):
    [row] = [row for row in table_rows(response) if row[NAME] == name]
    return row


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.usefixtures("second", "siti")
def test_a_second_organizer_sees_the_first_ones_invitee_by_name_position_and_agency_only(client):
    row = row_of(client.get(DIRECTORY), "Siti Rahmawati")

    assert (row[POSITION], row[AGENCY]) == ("Pranata Humas Ahli Muda", "Kemenag")
    assert (row[EMAIL], row[NIP], row[PHONE]) == ("—", "—", "—")
    body = client.get(DIRECTORY).content.decode()
    assert SITI_NIP not in body
    assert "siti.rahmawati@" not in body
    assert "+6281311112222" not in body


@pytest.mark.usefixtures("second", "siti")
def test_the_directory_hides_a_rank_outside_the_scope_on_the_page_and_in_its_export(client):
    """Name, position and agency only: the rank (pangkat/golongan, a pay grade) is not one."""
    row = row_of(client.get(DIRECTORY), "Siti Rahmawati")
    body = client.get(DIRECTORY).content.decode()
    exported = csv_rows(download(client, reverse("members:export", args=["csv"])))

    assert row[RANK] == "—"
    assert "IV/e" not in body
    [line] = [line for line in exported if line[NAME] == "Siti Rahmawati"]
    assert line[RANK] == ""


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.usefixtures("second", "siti")
def test_a_second_organizers_export_leaves_out_the_first_ones_invitees_contact_data(
    client, file_format
):
    response = download(client, reverse("members:export", args=[file_format]))

    assert response.status_code == 200
    assert SITI_NIP.encode() not in response.content
    assert b"siti.rahmawati@" not in response.content
    assert b"6281311112222" not in response.content
    if file_format == "csv":
        [row] = [row for row in csv_rows(response) if row[NAME] == "Siti Rahmawati"]
        assert (row[EMAIL], row[NIP], row[PHONE]) == ("", "", "")


@pytest.mark.parametrize("typed", [SITI_NIP, "2010012001", "siti.rahmawati@kemenag"])
@pytest.mark.usefixtures("second", "siti")
def test_a_search_by_nip_or_email_does_not_find_someone_outside_the_scope(client, typed):
    response = client.get(DIRECTORY, {"q": typed})

    assert table_rows(response) == [["No member matches."]]


@pytest.mark.usefixtures("siti")
def test_the_first_organizer_sees_their_invitee_whole(organizer_client):
    row = row_of(organizer_client.get(DIRECTORY, {"q": SITI_NIP}), "Siti Rahmawati")

    assert (row[EMAIL], row[NIP], row[PHONE], row[RANK]) == (
        "siti.rahmawati@kemenag.go.id",
        SITI_NIP,
        "+6281311112222",
        "IV/e",
    )


def test_an_organizer_sees_their_own_agencys_members_whole(client, second):
    colleague = MemberFactory.create(
        full_name="Rekan BPS", agency=second.member.agency, nip="198703122010011004"
    )

    row = row_of(client.get(DIRECTORY), "Rekan BPS")

    assert (row[EMAIL], row[NIP]) == (colleague.email, "198703122010011004")


@pytest.mark.usefixtures("client")
def test_inviting_someone_brings_them_into_the_organizers_scope(second, siti):
    meeting = second.organized_meetings.get()
    before = may_see_contact(second, siti)

    InvitationFactory.create(meeting=meeting, member=siti)

    assert before is False
    assert may_see_contact(second, siti) is True


@pytest.mark.usefixtures("siti")
def test_staff_see_everyone_whole(client):
    client.force_login(UserFactory.create(is_staff=True))

    row = row_of(client.get(DIRECTORY), "Siti Rahmawati")

    assert (row[EMAIL], row[NIP], row[PHONE]) == (
        "siti.rahmawati@kemenag.go.id",
        SITI_NIP,
        "+6281311112222",
    )


def per_meeting_pages(meeting, siti):
    """Every page and export of the first meeting that shows NIP, phone or signatures."""
    session = meeting.sessions.get()
    checkin = siti.invitations.get().checkins.get()
    return [
        reverse("events:meeting_invitations", args=[meeting.pk]),
        reverse("events:meeting_invitations_export", args=[meeting.pk, "csv"]),
        reverse("attendance:table", args=[meeting.pk]),
        reverse("attendance:table_export", args=[meeting.pk, "csv"]),
        reverse("attendance:sheet_pdf", args=[meeting.pk, session.pk]),
        reverse("attendance:sheets", args=[meeting.pk]),
        reverse("attendance:sign", args=[meeting.pk, checkin.pk]),
        reverse("records:bundle_list", args=[meeting.pk]),
        reverse("events:meeting_registrations", args=[meeting.pk]),
    ]


@pytest.mark.usefixtures("second")
def test_a_second_organizer_cannot_open_the_first_ones_tables_exports_or_signatures(
    client, first_meeting, siti
):
    refused = {url: client.get(url).status_code for url in per_meeting_pages(first_meeting, siti)}

    assert set(refused.values()) == {403}, refused


def test_the_first_organizer_opens_them(organizer_client, first_meeting, siti):
    opened = {
        url: organizer_client.get(url).status_code for url in per_meeting_pages(first_meeting, siti)
    }

    assert set(opened.values()) == {200}, opened


@pytest.mark.usefixtures("siti")
def test_the_answer_link_shows_its_holder_nothing_of_other_invitees(client, first_meeting):
    other = InvitationFactory.create(meeting=first_meeting)
    secret = events_services.issue_answer_link(invitation=other)

    body = client.get(reverse("events:answer", args=[secret])).content.decode()

    assert SITI_NIP not in body
    assert "siti.rahmawati@" not in body


@pytest.mark.parametrize("how_many", [3, 300])
def test_an_organizers_directory_and_export_take_the_same_few_queries_for_3_or_300_members(
    client, second, django_assert_max_num_queries, how_many
):
    meeting = second.organized_meetings.get()
    agencies = AgencyFactory.create_batch(5)
    for number in range(how_many):
        member = MemberFactory.create(agency=agencies[number % 5])
        if number % 2:
            InvitationFactory.create(meeting=meeting, member=member)

    with django_assert_max_num_queries(8 + ACCESS_LOG):
        page = client.get(DIRECTORY, {"sort": "nip"})
    with django_assert_max_num_queries(8 + ACCESS_LOG):
        searched = client.get(DIRECTORY, {"q": "instansi"})
    with django_assert_max_num_queries(6 + ACCESS_LOG):  # the rows are counted, then streamed
        exported = download(client, reverse("members:export", args=["csv"]))

    assert len(table_rows(page)) == min(how_many + 1, 25)
    assert searched.status_code == 200
    assert len(csv_rows(exported)) == how_many + 2  # the header and the organizer themselves
    visible = [row for row in csv_rows(exported)[1:] if row[NIP]]
    assert len(visible) == how_many // 2 + 1  # the invited half, and the organizer


def test_an_organizer_who_withdrew_an_invitation_no_longer_sees_that_persons_contact_data(
    client, second, siti
):
    """Inviting a whole agency and withdrawing it must not leave its people's NIP, email and
    phone open to the organizer."""
    from events.services import withdraw_invitation

    meeting = second.organized_meetings.get()
    invitation = InvitationFactory.create(meeting=meeting, member=siti)
    seen = row_of(client.get(DIRECTORY), "Siti Rahmawati")
    withdraw_invitation(invitation=invitation, withdrawn_by=second)

    row = row_of(client.get(DIRECTORY), "Siti Rahmawati")

    assert seen[NIP] == SITI_NIP
    assert (row[EMAIL], row[NIP], row[PHONE]) == ("—", "—", "—")
