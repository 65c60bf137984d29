"""The inviting page: preview (counts, unknown and malformed addresses), invite and send, and the
delivery counts on the meeting page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from events.models import Invitation, Meeting
from outbox.models import Kind, OutboxMessage, State
from tests.events.factories import InvitationFactory, MeetingFactory
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
    meeting = MeetingFactory(sessions=1, capacity=None)
    meeting.organizers.add(organizer)
    return meeting


def invite_url(meeting):
    return reverse("events:meeting_invite", args=[meeting.pk])


def nothing_written(meeting):
    return (
        not Invitation.objects.filter(meeting=meeting).exists()
        and not OutboxMessage.objects.filter(topic=f"meeting:{meeting.pk}").exists()
    )


@pytest.fixture
def roster():
    """An agency of three members, a fourth member elsewhere, one of the three already invited."""
    agency = AgencyFactory(name="Kementerian Komunikasi dan Digital", acronym="Komdigi")
    members = [MemberFactory(agency=agency, email=f"humas{n}@komdigi.go.id") for n in range(1, 4)]
    other = MemberFactory(email="Sekretariat@Kemenag.go.id")
    return agency, members, other


def choices(agency, members, emails, role=Invitation.Role.PARTICIPANT, action="preview"):
    return {
        "agencies": [agency.pk] if agency else [],
        "members": [member.pk for member in members],
        "emails": emails,
        "role": role,
        "action": action,
    }


def test_anonymous_is_sent_to_sign_in_and_a_stranger_gets_403(client, meeting):
    response = client.get(invite_url(meeting))
    assert response.status_code == 302
    assert "login" in response.url

    client.force_login(OrganizerFactory())  # an organizer, but not of this meeting
    assert client.get(invite_url(meeting)).status_code == 403
    assert client.post(invite_url(meeting), {"action": "send"}).status_code == 403
    delivery = reverse("events:meeting_delivery", args=[meeting.pk])
    assert client.get(delivery).status_code == 403


def test_get_shows_the_form_and_changes_nothing(organizer_client, meeting, roster):
    response = organizer_client.get(invite_url(meeting))

    assert response.status_code == 200
    assert "Preview" in response.text
    assert nothing_written(meeting)


def test_preview_merges_agency_member_and_pasted_address_in_another_case(
    organizer_client, meeting, roster
):
    agency, members, other = roster
    InvitationFactory(meeting=meeting, member=members[0])
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


def test_unknown_and_malformed_addresses_are_listed_and_nothing_is_written(
    organizer_client, meeting, roster
):
    agency, _members, _other = roster

    malformed = organizer_client.post(
        invite_url(meeting), choices(agency, [], "humas1@komdigi.go.id, bukan-alamat, a@b@c")
    )
    assert malformed.status_code == 400
    assert "These are not valid email addresses: bukan-alamat, a@b@c" in malformed.text
    assert "Invite and send" not in malformed.text

    for action in ("preview", "send"):
        unknown = organizer_client.post(
            invite_url(meeting),
            choices(agency, [], "Baru@Bappenas.go.id\nhumas1@komdigi.go.id", action=action),
        )
        assert unknown.status_code == 400
        assert unknown.context["selection"].unknown_emails == ["baru@bappenas.go.id"]
        assert "baru@bappenas.go.id" in unknown.text
        assert reverse("members:import") in unknown.text
        assert "Invite and send" not in unknown.text
    assert nothing_written(meeting)


def test_nothing_chosen_is_an_error(organizer_client, meeting):
    response = organizer_client.post(invite_url(meeting), choices(None, [], ""))

    assert response.status_code == 400
    assert "Choose at least one agency, member or email address." in response.text


def test_invite_and_send_creates_invitations_and_outbox_rows(
    organizer_client, organizer, meeting, roster, django_capture_on_commit_callbacks
):
    agency, members, other = roster
    InvitationFactory(meeting=meeting, member=members[0], invitation_sent_at="2021-11-01T00:00Z")

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
    meeting = MeetingFactory(state=Meeting.State.DRAFT)
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
    OutboxMessageFactory(topic=topic, state=State.SENT)
    OutboxMessageFactory.create_batch(3, topic=topic, state=State.FAILED)
    OutboxMessageFactory(topic="meeting:999999", state=State.FAILED)  # another meeting's
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
    assert response.status_code == 400  # the pasted address is unknown: listed, not written
    return len(queries)


def test_the_preview_takes_the_same_number_of_queries_for_3_or_100_members(
    organizer_client, meeting
):
    small, large = AgencyFactory(), AgencyFactory()
    MemberFactory.create_batch(3, agency=small)
    MemberFactory.create_batch(100, agency=large)
    InvitationFactory.create_batch(2, meeting=meeting, member__agency=large)

    assert _preview_queries(organizer_client, meeting, small) == _preview_queries(
        organizer_client, meeting, large
    )
