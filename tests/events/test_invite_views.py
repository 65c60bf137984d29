"""The inviting page: preview (counts, unknown and malformed addresses), invite and send, and the
delivery counts on the meeting page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from events.models import Invitation, Meeting
from members.models import Member
from members.newcomers import NewMember, NewMembersInvalid, create_members_for_invitation
from outbox.models import Kind, OutboxMessage, State
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.events.invite_steps import choices, invite_url, new_rows
from tests.members.factories import AgencyFactory, MemberFactory, OrganizerFactory
from tests.outbox.factories import OutboxMessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    yield
    translation.deactivate()


@pytest.fixture
def meeting(organizer):
    meeting = MeetingFactory.create(sessions=1, capacity=None)
    meeting.organizers.add(organizer)
    return meeting


def nothing_written(meeting):
    return (
        not Invitation.objects.filter(meeting=meeting).exists()
        and not OutboxMessage.objects.filter(topic=f"meeting:{meeting.pk}").exists()
    )


@pytest.fixture
def roster():
    """An agency of three members, a fourth member elsewhere, one of the three already invited."""
    agency = AgencyFactory.create(name="Kementerian Komunikasi dan Digital", acronym="Komdigi")
    members = [
        MemberFactory.create(agency=agency, email=f"humas{n}@komdigi.go.id") for n in range(1, 4)
    ]
    other = MemberFactory.create(email="Sekretariat@Kemenag.go.id")
    return agency, members, other


def test_anonymous_is_sent_to_sign_in_and_a_stranger_gets_403(client, meeting):
    response = client.get(invite_url(meeting))
    assert response.status_code == 302
    assert "login" in response.url

    client.force_login(OrganizerFactory.create())  # an organizer, but not of this meeting
    assert client.get(invite_url(meeting)).status_code == 403
    assert client.post(invite_url(meeting), {"action": "send"}).status_code == 403
    delivery = reverse("events:meeting_delivery", args=[meeting.pk])
    assert client.get(delivery).status_code == 403


@pytest.mark.usefixtures("roster")
def test_get_shows_the_form_and_changes_nothing(organizer_client, meeting):
    response = organizer_client.get(invite_url(meeting))

    assert response.status_code == 200
    assert "Preview" in response.text
    assert nothing_written(meeting)


def test_preview_merges_agency_member_and_pasted_address_in_another_case(
    organizer_client, meeting, roster
):
    agency, members, other = roster
    InvitationFactory.create(meeting=meeting, member=members[0])
    pasted = "HUMAS2@KOMDIGI.GO.ID; sekretariat@kemenag.go.id\nhumas2@komdigi.go.id"

    response = organizer_client.post(
        invite_url(meeting), choices(agency, [members[1], other], pasted)
    )

    selection = response.context["selection"]
    assert response.status_code == 200
    assert len(selection.members) == 4  # three of the agency and the other, each once
    assert selection.already_invited == {members[0].pk}
    assert {m.pk for m in selection.to_invite} == {members[1].pk, members[2].pk, other.pk}
    assert (selection.from_agencies, selection.from_members, selection.from_emails) == (3, 2, 2)
    assert selection.unknown_emails == []
    assert "Invite and send" in response.text
    assert Invitation.objects.filter(meeting=meeting).count() == 1  # only the earlier one


def test_malformed_addresses_are_an_error_and_unknown_ones_get_a_row_to_fill_in(
    organizer_client, meeting, roster
):
    agency, _members, _other = roster

    malformed = organizer_client.post(
        invite_url(meeting), choices(agency, [], "humas1@komdigi.go.id, bukan-alamat, a@b@c")
    )
    assert malformed.status_code == 400
    assert "These are not valid email addresses: bukan-alamat, a@b@c" in malformed.text
    assert "Invite and send" not in malformed.text

    preview = organizer_client.post(
        invite_url(meeting), choices(agency, [], "Baru@Bappenas.go.id\nhumas1@komdigi.go.id")
    )
    assert preview.status_code == 200
    selection = preview.context["selection"]
    assert selection.unknown_emails == ["baru@bappenas.go.id"]
    assert selection.receiving == 4  # the three of the agency and the new one
    assert "baru@bappenas.go.id" in preview.text
    assert 'name="new-0-full_name"' in preview.text
    assert "<option" not in preview.text.split('name="new-0-agency"')[1].split("</select>")[0]
    assert "Invite and send" in preview.text

    # Sending without the rows (a hand-made request, or the list changed) shows them again.
    sent = organizer_client.post(
        invite_url(meeting),
        choices(agency, [], "Baru@Bappenas.go.id\nhumas1@komdigi.go.id", action="send"),
    )
    assert sent.status_code == 400
    assert 'name="new-0-full_name"' in sent.text
    assert nothing_written(meeting)


def test_an_unknown_address_with_name_and_agency_becomes_a_member_and_is_invited(
    organizer_client, organizer, meeting, roster, django_capture_on_commit_callbacks
):
    _agency, members, _other = roster
    bappenas = AgencyFactory.create(name="Kementerian PPN/Bappenas", acronym="Bappenas")
    pasted = "Baru@Bappenas.go.id, humas1@komdigi.go.id"

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(
            invite_url(meeting),
            choices(None, [], pasted, action="send")
            | new_rows(("baru@bappenas.go.id", " Dewi Lestari ", bappenas.pk, "Pranata Humas")),
            follow=True,
        )

    assert response.redirect_chain == [(reverse("events:meeting_detail", args=[meeting.pk]), 302)]
    assert "2 invitations are being sent." in response.text
    new = Member.objects.get(email__iexact="baru@bappenas.go.id")
    assert (new.full_name, new.agency, new.position) == ("Dewi Lestari", bappenas, "Pranata Humas")
    invited = Invitation.objects.filter(meeting=meeting, invited_by=organizer)
    assert sorted(invited.values_list("member_id", flat=True)) == sorted([members[0].pk, new.pk])
    recipients = OutboxMessage.objects.filter(
        topic=f"meeting:{meeting.pk}", kind=Kind.INVITATION
    ).values_list("recipient", flat=True)
    assert sorted(recipients) == sorted([members[0].email, new.email])


def test_a_missing_name_or_agency_shows_the_rows_again_and_writes_nothing(
    organizer_client, meeting, roster
):
    agency, _members, _other = roster
    counts = (Member.objects.count(), Invitation.objects.count(), OutboxMessage.objects.count())

    response = organizer_client.post(
        invite_url(meeting),
        choices(agency, [], "satu@bappenas.go.id; dua@bappenas.go.id", action="send")
        | new_rows(
            ("satu@bappenas.go.id", "", agency.pk, ""),  # no name
            ("dua@bappenas.go.id", "Budi", None, ""),  # no agency
        ),
    )

    assert response.status_code == 400
    rows = response.context["new_rows"]
    assert list(rows.errors) == [
        {"full_name": ["This field is required."]},
        {"agency": ["Choose the agency from the directory, or add a new agency."]},
    ]
    assert response.text.count("This field is required.") == 1
    assert 'value="Budi"' in response.text  # what was filled in is kept
    assert (
        Member.objects.count(),
        Invitation.objects.count(),
        OutboxMessage.objects.count(),
    ) == counts


def test_an_address_differing_only_in_case_from_a_member_is_not_unknown(
    organizer_client, meeting, roster, django_capture_on_commit_callbacks
):
    _agency, _members, other = roster  # Sekretariat@Kemenag.go.id
    members_before = Member.objects.count()

    preview = organizer_client.post(
        invite_url(meeting), choices(None, [], "SEKRETARIAT@KEMENAG.GO.ID")
    )
    assert preview.context["selection"].unknown_emails == []
    assert "new-0-full_name" not in preview.text

    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(
            invite_url(meeting), choices(None, [], "sekretariat@kemenag.GO.ID", action="send")
        )
    assert Member.objects.count() == members_before
    assert list(Invitation.objects.filter(meeting=meeting).values_list("member", flat=True)) == [
        other.pk
    ]


def test_a_member_created_meanwhile_in_another_case_is_reused_not_duplicated(roster):
    """The roster import may create the member between the preview and the send."""
    agency, _members, other = roster

    made = create_members_for_invitation(
        people=[
            NewMember(email="sekretariat@kemenag.go.id", full_name="X", agency_id=agency.pk),
            NewMember(email="baru@komdigi.go.id", full_name="Baru", agency_id=agency.pk),
        ]
    )

    assert made[0] == other
    assert made[0].full_name != "X"
    assert made[1].email == "baru@komdigi.go.id"
    assert made[1].agency == agency
    assert Member.objects.filter(email__iexact="sekretariat@kemenag.go.id").count() == 1


def test_create_members_for_invitation_checks_like_the_roster(roster):
    agency, _members, _other = roster

    with pytest.raises(NewMembersInvalid) as refused:
        create_members_for_invitation(
            people=[
                NewMember(email="a@x.go.id", full_name="A" * 201, agency_id=agency.pk),
                NewMember(email="b@x.go.id", full_name="B", agency_id=None),
            ]
        )

    assert set(refused.value.errors) == {"a@x.go.id", "b@x.go.id"}
    assert not Member.objects.filter(email__in=["a@x.go.id", "b@x.go.id"]).exists()


def test_nothing_chosen_is_an_error(organizer_client, meeting):
    response = organizer_client.post(invite_url(meeting), choices(None, [], ""))

    assert response.status_code == 400
    assert "Choose at least one agency, member or email address." in response.text


def test_invite_and_send_creates_invitations_and_outbox_rows(
    organizer_client, organizer, meeting, roster, django_capture_on_commit_callbacks
):
    agency, members, other = roster
    InvitationFactory.create(
        meeting=meeting, member=members[0], invitation_sent_at="2021-11-01T00:00Z"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(
            invite_url(meeting),
            choices(
                agency,
                [members[1]],
                "SEKRETARIAT@kemenag.go.id",
                role=Invitation.Role.SPEAKER,
                action="send",
            ),
            follow=True,
        )

    assert response.redirect_chain == [(reverse("events:meeting_detail", args=[meeting.pk]), 302)]
    assert "3 invitations are being sent." in response.text
    new = Invitation.objects.filter(meeting=meeting, invited_by=organizer)
    assert sorted(new.values_list("member_id", flat=True)) == sorted(
        [members[1].pk, members[2].pk, other.pk]
    )
    assert set(new.values_list("role", flat=True)) == {Invitation.Role.SPEAKER}
    rows = OutboxMessage.objects.filter(topic=f"meeting:{meeting.pk}", kind=Kind.INVITATION)
    assert sorted(rows.values_list("recipient", flat=True)) == sorted(
        [members[1].email, members[2].email, other.email]
    )


def test_a_draft_meeting_refuses_to_send(organizer_client, organizer, roster):
    meeting = MeetingFactory.create(state=Meeting.State.DRAFT)
    meeting.organizers.add(organizer)
    agency, _members, _other = roster

    preview = organizer_client.post(invite_url(meeting), choices(agency, [], ""))
    sent = organizer_client.post(invite_url(meeting), choices(agency, [], "", action="send"))

    assert preview.status_code == 200
    assert "Invite and send" not in preview.text
    assert sent.status_code == 400
    assert "Publish the meeting before sending its invitations." in sent.text
    assert nothing_written(meeting)


def test_the_meeting_page_links_to_inviting_and_loads_the_delivery_counts(
    organizer_client, meeting
):
    response = organizer_client.get(reverse("events:meeting_detail", args=[meeting.pk]))

    assert invite_url(meeting) in response.text
    delivery = reverse("events:meeting_delivery", args=[meeting.pk])
    assert f'hx-get="{delivery}" hx-trigger="load"' in response.text


def test_delivery_partial_counts_the_meeting_emails_by_state_and_polls_while_sending(
    organizer_client, meeting
):
    topic = f"meeting:{meeting.pk}"
    OutboxMessageFactory.create_batch(2, topic=topic, state=State.QUEUED)
    OutboxMessageFactory.create(topic=topic, state=State.SENT)
    OutboxMessageFactory.create_batch(3, topic=topic, state=State.FAILED)
    OutboxMessageFactory.create(topic="meeting:999999", state=State.FAILED)  # another meeting's
    url = reverse("events:meeting_delivery", args=[meeting.pk])

    response = organizer_client.get(url)

    assert [(state, count) for state, _label, count in response.context["delivery"]] == [
        ("queued", 2),
        ("sending", 0),
        ("sent", 1),
        ("failed", 3),
    ]
    assert 'hx-trigger="every 3s"' in response.text
    assert f"{reverse('outbox:list')}?state=failed" in response.text

    OutboxMessage.objects.filter(topic=topic, state=State.QUEUED).update(state=State.SENT)
    settled = organizer_client.get(url)
    assert "every 3s" not in settled.text
    assert "hx-get" not in settled.text


def _preview_queries(client, meeting, agency) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(invite_url(meeting), choices(agency, [], "humas0@x.go.id"))
    assert response.status_code == 200  # the pasted address is unknown: a row to fill in
    return len(queries)


def test_the_preview_takes_the_same_number_of_queries_for_3_or_100_members(
    organizer_client, meeting
):
    small, large = AgencyFactory.create(), AgencyFactory.create()
    MemberFactory.create_batch(3, agency=small)
    MemberFactory.create_batch(100, agency=large)
    InvitationFactory.create_batch(2, meeting=meeting, member__agency=large)

    assert _preview_queries(organizer_client, meeting, small) == _preview_queries(
        organizer_client, meeting, large
    )
