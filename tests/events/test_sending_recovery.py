"""No invitation email is lost to the broker: sending one records it as owed in the same
transaction as the registration or the inviting, so a broker that is down at commit (or a
process that dies before handing the batches to Celery) answers the request normally and only
delays the email until the beat sweeper hands it over again; each email is written once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from events import services
from events.models import Invitation, Meeting
from events.tasks import send_invitations_batch
from outbox.models import Kind, OutboxMessage
from outbox.tasks import sweep
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.events.invite_steps import choices, invite_url
from tests.events.registration_steps import code_sent_to, confirm, details, url
from tests.members.factories import AgencyFactory, MemberFactory
from tests.support.owed import owed, sweep_later

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    yield
    translation.deactivate()


@pytest.fixture
def meeting(organizer):
    meeting = MeetingFactory.create(
        sessions=1,  # one email per invitation (a meeting sends one per session)
        capacity=None,
        registration_open=True,
        registration_scope=Meeting.RegistrationScope.EMAIL_DOMAINS,
        registration_domains="kemenag.go.id",
        answer_deadline=timezone.now() + timedelta(days=7),
    )
    meeting.organizers.add(organizer)
    return meeting


def invitations_to(*addresses) -> list[str]:
    rows = OutboxMessage.objects.filter(kind=Kind.INVITATION, recipient__in=addresses)
    return sorted(rows.values_list("recipient", flat=True))


def send(meeting, invitations, capture, *, execute=True) -> int:
    with capture(execute=execute):
        return services.send_invitations(meeting=meeting, invitations=invitations)


def test_a_registration_confirmed_with_the_broker_down_is_answered_and_invited_on_the_sweep(
    client, meeting, monkeypatch, request, django_capture_on_commit_callbacks
):
    kemenag = AgencyFactory.create(name="Kementerian Agama", acronym="Kemenag")
    client.post(url(meeting), details(kemenag))
    code = code_sent_to("siti@kemenag.go.id")
    request.getfixturevalue("broker_down")  # the broker goes down

    done = confirm(client, meeting, code, django_capture_on_commit_callbacks)
    monkeypatch.undo()  # the broker is back

    assert done.status_code == 302
    assert done.url == url(meeting, "events:register_done")
    assert "You are registered as attending" in client.get(done.url).text
    invitation = Invitation.objects.get(meeting=meeting, member__email="siti@kemenag.go.id")
    assert invitation.answer == Invitation.Answer.YES
    assert invitation.invitation_sent_at is None
    assert invitations_to("siti@kemenag.go.id") == []

    # The broker refused the batch, so the next sweep (beat, every minute) hands it over.
    assert sweep.apply().get() == 1
    sweep_later()

    assert invitations_to("siti@kemenag.go.id") == ["siti@kemenag.go.id"]
    invitation.refresh_from_db()
    assert invitation.invitation_sent_at is not None
    assert owed() == []


def test_members_invited_with_the_broker_down_are_answered_and_sent_once_on_the_sweep(
    organizer_client, organizer, meeting, broker_down, django_capture_on_commit_callbacks
):
    agency = AgencyFactory.create(name="Kementerian Komunikasi dan Digital", acronym="Komdigi")
    people = [
        MemberFactory.create(agency=agency, email=f"humas{n}@komdigi.go.id") for n in (1, 2, 3)
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(
            invite_url(meeting), choices(agency, [], "", action="send"), follow=True
        )
    broker_down.undo()

    assert response.redirect_chain == [(reverse("events:meeting_detail", args=[meeting.pk]), 302)]
    assert "3 invitations are being sent." in response.text
    invited = Invitation.objects.filter(meeting=meeting, invited_by=organizer)
    assert invited.count() == 3
    assert not invited.filter(invitation_sent_at__isnull=False).exists()
    emails = [person.email for person in people]
    assert invitations_to(*emails) == []

    assert sweep.apply().get() == 1
    sweep_later()

    assert invitations_to(*emails) == emails
    assert not invited.filter(invitation_sent_at__isnull=True).exists()


def test_a_process_that_dies_after_the_commit_loses_no_invitation(
    meeting, django_capture_on_commit_callbacks
):
    invitations = InvitationFactory.create_batch(3, meeting=meeting)
    emails = sorted(i.member.email for i in invitations)

    assert send(meeting, invitations, django_capture_on_commit_callbacks, execute=False) == 3
    assert sweep.apply().get() == 0, "too early: the batch may be on its way"

    assert sweep_later() == 1

    assert invitations_to(*emails) == emails


def test_a_sent_invitation_is_never_sent_again_by_the_sweeper(
    meeting, django_capture_on_commit_callbacks
):
    invitations = InvitationFactory.create_batch(3, meeting=meeting)
    emails = sorted(i.member.email for i in invitations)

    send(meeting, invitations, django_capture_on_commit_callbacks)
    assert invitations_to(*emails) == emails
    assert owed() == [], "the batch settled what it owed"

    assert sweep_later() == 0
    send_invitations_batch.apply(args=(meeting.pk, [i.pk for i in invitations]))  # a late copy

    assert invitations_to(*emails) == emails


def test_a_sweep_with_the_broker_still_down_fails_nothing_and_the_next_one_sends(
    meeting, broker_down, django_capture_on_commit_callbacks
):
    invitations = InvitationFactory.create_batch(3, meeting=meeting)
    emails = sorted(i.member.email for i in invitations)
    send(meeting, invitations, django_capture_on_commit_callbacks)

    sweep.apply()  # the broker is still down
    broker_down.undo()
    assert sweep.apply().get() == 1

    assert invitations_to(*emails) == emails


def test_an_invitation_handed_over_again_waits_twice_as_long_before_the_next_hand_over(
    meeting, broker_that_loses, django_capture_on_commit_callbacks
):
    invitations = InvitationFactory.create_batch(3, meeting=meeting)
    ids = sorted(i.pk for i in invitations)
    send(meeting, invitations, django_capture_on_commit_callbacks)

    assert sweep_later() == 1
    assert sweep_later(graces=2) == 0
    assert sweep_later(graces=3) == 1

    assert broker_that_loses == [[meeting.pk, ids]] * 3  # at commit, then after 1 and 2 graces
    assert invitations_to(*(i.member.email for i in invitations)) == []


def test_an_invitation_withdrawn_or_a_meeting_cancelled_meanwhile_is_not_sent(
    meeting, broker_down, django_capture_on_commit_callbacks
):
    withdrawn, kept = InvitationFactory.create_batch(2, meeting=meeting)
    cancelled = MeetingFactory.create(sessions=1, capacity=None)
    dropped = InvitationFactory.create(meeting=cancelled)
    send(meeting, [withdrawn, kept], django_capture_on_commit_callbacks)
    send(cancelled, [dropped], django_capture_on_commit_callbacks)
    broker_down.undo()
    services.withdraw_invitation(invitation=withdrawn, withdrawn_by=None)
    services.cancel_meeting(meeting=cancelled)

    assert sweep.apply().get() == 2

    assert invitations_to(withdrawn.member.email, kept.member.email, dropped.member.email) == [
        kept.member.email
    ]
    assert owed() == [], "no longer owed"


@pytest.mark.parametrize("invited", [3, 120])
def test_the_sweep_takes_the_same_queries_for_3_or_120_owed_invitations(
    meeting, invited, broker_that_loses, django_assert_num_queries
):
    invitations = InvitationFactory.create_batch(invited, meeting=meeting)
    services.send_invitations(meeting=meeting, invitations=invitations)

    # What is due, moving it on; the outbox's failed and lost messages.
    with django_assert_num_queries(4):
        sweep_later()

    assert len(broker_that_loses) == -(-invited // services.SEND_BATCH_SIZE)
