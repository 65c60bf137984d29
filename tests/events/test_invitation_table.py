"""The organizer's invitations table: the delivery state of each invitation email, a filter on
it, and a Withdraw button per row."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from events import services
from events.models import Invitation
from outbox.models import Kind, OutboxMessage, State
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import AgencyFactory, MemberFactory
from tests.personal_data import ACCESS_LOG
from tests.support.exports import download

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


def page(client, meeting, **query):
    return client.get(reverse("events:meeting_invitations", args=[meeting.pk]), query)


def names(response) -> list[str]:
    return [row.record.member.full_name for row in response.context["table"].page.object_list]


def sent_to(meeting, *invitations, state=State.SENT):
    """The invitation emails written to the outbox (what the Celery batch task does), then
    left in `state` by the outbox worker."""
    services.send_invitation_batch(
        meeting_id=meeting.pk, invitation_ids=[invitation.pk for invitation in invitations]
    )
    OutboxMessage.objects.filter(
        recipient__in=[i.member.email for i in invitations], kind=Kind.INVITATION
    ).update(state=state)


def test_each_invitation_shows_the_state_of_its_latest_email_and_can_be_filtered_by_it(
    organizer_client, meeting
):
    delivered = InvitationFactory.create(meeting=meeting, member__full_name="Ayu Lestari")
    bounced = InvitationFactory.create(meeting=meeting, member__full_name="Baiq Hidayati")
    InvitationFactory.create(meeting=meeting, member__full_name="Cut Rahmawati")  # not sent yet
    sent_to(meeting, delivered)
    sent_to(meeting, bounced, state=State.FAILED)

    everyone = page(organizer_client, meeting)
    failed = page(organizer_client, meeting, delivery="failed")
    sent = page(organizer_client, meeting, delivery="sent")
    unsent = page(organizer_client, meeting, delivery="none")

    rows = {
        row.record.member.full_name: row.record.delivery for row in everyone.context["table"].rows
    }
    assert rows == {"Ayu Lestari": "sent", "Baiq Hidayati": "failed", "Cut Rahmawati": None}
    assert names(failed) == ["Baiq Hidayati"]
    assert names(sent) == ["Ayu Lestari"]
    assert names(unsent) == ["Cut Rahmawati"]
    assert "Failed" in failed.content.decode()


def test_a_resent_invitation_shows_its_latest_email_not_the_first(organizer_client, meeting):
    invitation = InvitationFactory.create(meeting=meeting, member__full_name="Ayu Lestari")
    sent_to(meeting, invitation, state=State.FAILED)
    Invitation.objects.filter(pk=invitation.pk).update(invitation_sent_at=None)
    sent_to(meeting, invitation, state=State.QUEUED)
    OutboxMessage.objects.filter(state=State.QUEUED).update(state=State.SENDING)

    response = page(organizer_client, meeting, delivery="sending")

    assert names(response) == ["Ayu Lestari"]


def test_emails_about_other_meetings_or_of_other_kinds_do_not_count(organizer_client, meeting):
    invitation = InvitationFactory.create(meeting=meeting, member__full_name="Ayu Lestari")
    elsewhere = MeetingFactory.create(sessions=1)
    sent_to(elsewhere, InvitationFactory.create(meeting=elsewhere, member=invitation.member))

    response = page(organizer_client, meeting, delivery="none")

    assert names(response) == ["Ayu Lestari"]


def test_an_unknown_delivery_state_is_refused_with_a_message(organizer_client, meeting):
    InvitationFactory.create(meeting=meeting)

    response = page(organizer_client, meeting, delivery="lost")

    assert response.context["filter"].errors["delivery"]


@pytest.mark.parametrize("rows", [3, 300])
def test_the_table_with_delivery_states_takes_the_same_queries_at_3_and_300_rows(
    organizer_client, meeting, django_assert_num_queries, rows
):
    agencies = AgencyFactory.create_batch(3)
    members = MemberFactory.create_batch(rows, agency=agencies[0])
    invitations = Invitation.objects.bulk_create(
        Invitation(meeting=meeting, member=m) for m in members
    )
    sent_to(meeting, *invitations[::2])

    with django_assert_num_queries(10 + ACCESS_LOG):
        response = page(organizer_client, meeting, per_page=100, delivery="sent")
    with django_assert_num_queries(10 + ACCESS_LOG):
        page(organizer_client, meeting, per_page=100, sort="delivery")

    assert len(names(response)) == min((rows + 1) // 2, 100)


def test_each_row_has_a_withdraw_button_that_posts_after_a_confirmation(organizer_client, meeting):
    invitation = InvitationFactory.create(meeting=meeting, member__full_name="Ayu Lestari")
    url = reverse("events:invitation_withdraw", args=[meeting.pk, invitation.pk])

    html = page(organizer_client, meeting).content.decode()
    form = re.search(
        rf'<form method="post"[^>]*action="{re.escape(url)}"[^>]*>(.*?)</form>', html, re.S
    )

    assert form, "a POST form to withdraw the invitation"
    assert 'data-confirm="Withdraw the invitation of Ayu Lestari?' in form.group(0)
    assert 'name="csrfmiddlewaretoken"' in form.group(1)
    response = organizer_client.post(url, follow=True)
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is not None
    assert "Ayu Lestari" not in names(response)


def test_the_export_has_the_delivery_state_and_no_button(organizer_client, meeting):
    invitation = InvitationFactory.create(meeting=meeting, member__full_name="Ayu Lestari")
    sent_to(meeting, invitation)

    response = download(
        organizer_client, reverse("events:meeting_invitations_export", args=[meeting.pk, "csv"])
    )

    header, row = response.content.decode("utf-8-sig").splitlines()
    assert "Invitation email" in header
    assert "Withdraw" not in header
    assert "Sent" in row.split(",")
