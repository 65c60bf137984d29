"""Representatives ("Diwakilkan") named through one answer link: one at a time, a bounded
number of changes, no revived withdrawals, no rights beyond taking part until an organizer
grants them, and every representation in sight of the organizers."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Invitation, Representation, SeatOffer
from members.models import Member
from outbox.models import Kind, OutboxMessage
from outputs.permissions import may_upload_documents
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import MemberFactory, UserFactory
from tests.support.exports import download

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

Answer = Invitation.Answer


@pytest.fixture
def meeting(organizer):
    meeting = MeetingFactory.create(sessions=1, answer_deadline=timezone.now() + timedelta(days=7))
    meeting.organizers.add(organizer)
    return meeting


@pytest.fixture
def invitation(meeting):
    return InvitationFactory.create(meeting=meeting, invitation_sent_at=timezone.now())


@pytest.fixture
def url(invitation):
    return reverse("events:answer", args=[services.issue_answer_link(invitation=invitation)])


@pytest.fixture
def answer(client, url, django_capture_on_commit_callbacks):
    """Answer through the link as its holder would; returns the page shown after."""

    def post(value, email=None, name="Wakil", **extra):
        data = {"answer": value, **extra}
        if email:
            data.update(representative_name=name, representative_email=email)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data, follow=True).content.decode()

    return post


def emails_to(address: str) -> list[str]:
    return list(
        OutboxMessage.objects.filter(recipient=address)
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def active(invitation) -> list[Representation]:
    return list(invitation.representations.filter(ended_at__isnull=True))


def test_naming_another_representative_withdraws_the_previous_one_and_frees_the_seat(
    meeting, invitation, answer
):
    meeting.capacity = 2
    meeting.save()
    soon = timezone.now() + timedelta(days=3)  # seats are offered only before the meeting
    meeting.sessions.update(starts_at=soon, ends_at=soon + timedelta(hours=2))
    answer(Answer.YES)
    InvitationFactory.create(meeting=meeting, answer=Answer.YES)
    waiting = InvitationFactory.create(meeting=meeting)
    services.answer_invitation(invitation=waiting, answer=Answer.YES)
    answer(Answer.REPRESENTED, "andi@kemenag.go.id")
    andi = Invitation.objects.get(member__email="andi@kemenag.go.id")
    assert andi.answer == Answer.YES  # the seat passed to him

    answer(Answer.REPRESENTED, "budi@kemenag.go.id")

    andi.refresh_from_db()
    budi = Invitation.objects.get(member__email="budi@kemenag.go.id")
    invitation.refresh_from_db()
    assert andi.withdrawn_at is not None
    assert emails_to("andi@kemenag.go.id") == [Kind.INVITATION, Kind.CANCELLATION]
    offer = SeatOffer.objects.get(invitation=waiting)  # the freed seat, offered to who waits
    assert offer.state == SeatOffer.State.OPEN
    assert budi.answer == Answer.PENDING
    assert invitation.represented_by == budi
    assert [r.representative for r in active(invitation)] == [budi]


def test_answering_oneself_again_withdraws_the_representative(invitation, answer):
    answer(Answer.REPRESENTED, "andi@kemenag.go.id")

    answer(Answer.YES)

    andi = Invitation.objects.get(member__email="andi@kemenag.go.id")
    invitation.refresh_from_db()
    assert andi.withdrawn_at is not None
    assert invitation.answer == Answer.YES
    assert invitation.represented_by is None
    assert active(invitation) == []


def test_one_link_cannot_name_representatives_without_end(invitation, answer):
    for n in range(services.MAX_REPRESENTATIVE_CHANGES + 3):
        page = answer(Answer.REPRESENTED, f"wakil{n}@kemenag.go.id", name=f"Wakil {n}")
        answer(Answer.YES)

    assert "changed too many times" in page
    assert "contact the organizers" in page
    named = services.MAX_REPRESENTATIVE_CHANGES + 1
    assert Member.objects.filter(email__startswith="wakil").count() == named
    assert invitation.representations.count() == named
    invited = Invitation.objects.filter(member__email__startswith="wakil")
    assert invited.filter(withdrawn_at__isnull=True).count() == 0
    assert OutboxMessage.objects.filter(kind=Kind.INVITATION).count() == named


def test_naming_the_same_representative_again_sends_nothing_and_counts_no_change(
    invitation, answer
):
    answer(Answer.REPRESENTED, "andi@kemenag.go.id")
    for _ in range(services.MAX_REPRESENTATIVE_CHANGES + 2):
        answer(Answer.REPRESENTED, "Andi@Kemenag.go.id", note="Beliau yang hadir")

    invitation.refresh_from_db()
    assert invitation.note == "Beliau yang hadir"
    assert invitation.representations.count() == 1
    assert emails_to("andi@kemenag.go.id") == [Kind.INVITATION]


def test_a_withdrawn_invitation_is_not_revived_by_a_representation(meeting, invitation, answer):
    withdrawn = InvitationFactory.create(meeting=meeting, invitation_sent_at=timezone.now())
    services.withdraw_invitation(invitation=withdrawn, withdrawn_by=None)
    before = OutboxMessage.objects.filter(recipient=withdrawn.member.email).count()

    page = answer(Answer.REPRESENTED, withdrawn.member.email.upper())

    withdrawn.refresh_from_db()
    invitation.refresh_from_db()
    assert "was withdrawn" in page
    assert "contact the organizers" in page
    assert withdrawn.withdrawn_at is not None
    assert OutboxMessage.objects.filter(recipient=withdrawn.member.email).count() == before
    assert invitation.answer == Answer.PENDING
    assert invitation.represented_by is None


@pytest.mark.usefixtures("answer")
def test_a_speakers_representative_takes_part_without_a_speakers_rights_until_granted(
    client, meeting, organizer_client
):
    speaker = InvitationFactory.create(meeting=meeting, role=Invitation.Role.SPEAKER)
    secret = services.issue_answer_link(invitation=speaker)
    client.post(
        reverse("events:answer", args=[secret]),
        {
            "answer": Answer.REPRESENTED,
            "representative_name": "Andi",
            "representative_email": "andi@kemenag.go.id",
        },
    )
    andi = Invitation.objects.get(member__email="andi@kemenag.go.id")
    user = UserFactory.create(email="andi@kemenag.go.id")
    Member.objects.filter(pk=andi.member_id).update(user=user)

    assert andi.role == Invitation.Role.PARTICIPANT
    assert not may_upload_documents(user, meeting)

    [representation] = speaker.representations.all()
    organizer_client.post(
        reverse("events:representation_grant", args=[meeting.pk, representation.pk])
    )

    andi.refresh_from_db()
    assert andi.role == Invitation.Role.SPEAKER
    assert may_upload_documents(user, meeting)


@pytest.mark.usefixtures("invitation")
def test_a_representative_cannot_send_someone_else_until_granted(client, answer):
    answer(Answer.REPRESENTED, "andi@kemenag.go.id")
    andi = Invitation.objects.get(member__email="andi@kemenag.go.id")
    andi_url = reverse("events:answer", args=[services.issue_answer_link(invitation=andi)])

    page = client.get(andi_url).content.decode()
    refused = client.post(
        andi_url,
        {
            "answer": Answer.REPRESENTED,
            "representative_name": "Cici",
            "representative_email": "cici@kemenag.go.id",
        },
        follow=True,
    ).content.decode()

    assert "Send a representative" not in page
    assert "cannot send someone else" in refused
    assert not Member.objects.filter(email="cici@kemenag.go.id").exists()


@pytest.mark.usefixtures("invitation")
def test_someone_already_invited_keeps_their_invitation_when_replaced(meeting, answer):
    colleague = InvitationFactory.create(
        meeting=meeting, member=MemberFactory.create(email="rina@bps.go.id")
    )
    answer(Answer.REPRESENTED, "rina@bps.go.id")

    answer(Answer.REPRESENTED, "andi@kemenag.go.id")

    colleague.refresh_from_db()
    assert colleague.withdrawn_at is None


def test_organizers_see_every_representation_on_the_meeting_page_and_in_the_table(
    organizer_client, meeting, invitation, answer
):
    answer(Answer.REPRESENTED, "andi@kemenag.go.id", name="Andi Saputra")
    answer(Answer.REPRESENTED, "budi@kemenag.go.id", name="Budi Santoso")
    original = invitation.member.full_name

    page = organizer_client.get(reverse("events:meeting_detail", args=[meeting.pk]))
    table = organizer_client.get(reverse("events:meeting_invitations", args=[meeting.pk]))
    export = download(
        organizer_client, reverse("events:meeting_invitations_export", args=[meeting.pk, "csv"])
    )

    shown = page.content.decode()
    assert "Representatives" in shown
    assert shown.count(f"for {original}") == 2  # Andi, replaced, and Budi
    assert "Andi Saputra" in shown
    assert "Budi Santoso" in shown
    assert "Ended" in shown
    listed = table.content.decode()
    assert "Represented by Budi Santoso" in listed
    assert f"Stands in for {original}" in listed
    assert "2 representatives named" in listed
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    column = rows[0].index("Representation")
    assert {row[column] for row in rows[1:]} >= {
        "Represented by Budi Santoso · 2 representatives named",
        f"Stands in for {original}",
    }


def test_someone_invited_before_keeps_no_granted_role_once_the_representation_ends(
    client, meeting, organizer_client
):
    speaker = InvitationFactory.create(meeting=meeting, role=Invitation.Role.SPEAKER)
    user = UserFactory.create(email="rina@bps.go.id")
    colleague = InvitationFactory.create(
        meeting=meeting, member=MemberFactory.create(email="rina@bps.go.id", user=user)
    )
    url = reverse("events:answer", args=[services.issue_answer_link(invitation=speaker)])
    client.post(
        url,
        {
            "answer": Answer.REPRESENTED,
            "representative_name": "Rina",
            "representative_email": "rina@bps.go.id",
        },
    )
    [representation] = speaker.representations.all()
    organizer_client.post(
        reverse("events:representation_grant", args=[meeting.pk, representation.pk])
    )
    colleague.refresh_from_db()
    granted = (colleague.role, may_upload_documents(user, meeting))

    client.post(url, {"answer": Answer.YES})  # the speaker comes after all

    colleague.refresh_from_db()
    assert granted == (Invitation.Role.SPEAKER, True)
    assert colleague.role == Invitation.Role.PARTICIPANT
    assert colleague.withdrawn_at is None
    assert not may_upload_documents(user, meeting)


def test_two_invitees_cannot_send_each_other(client, meeting, invitation, answer):
    colleague = InvitationFactory.create(
        meeting=meeting, member=MemberFactory.create(email="rina@bps.go.id")
    )
    answer(Answer.YES)
    answer(Answer.REPRESENTED, "rina@bps.go.id")
    colleague_url = reverse(
        "events:answer", args=[services.issue_answer_link(invitation=colleague)]
    )

    refused = client.post(
        colleague_url,
        {
            "answer": Answer.REPRESENTED,
            "representative_name": "Kembali",
            "representative_email": invitation.member.email,
        },
        follow=True,
    ).content.decode()

    invitation.refresh_from_db()
    colleague.refresh_from_db()
    assert "sent you as their representative" in refused
    assert (invitation.answer, invitation.represented_by) == (Answer.REPRESENTED, colleague)
    assert (colleague.answer, colleague.represented_by) == (Answer.YES, None)
    assert active(colleague) == []


@pytest.mark.usefixtures("meeting")
def test_a_representative_withdrawn_because_the_invitee_came_back_can_be_named_again(
    invitation, answer
):
    answer(Answer.REPRESENTED, "andi@kemenag.go.id")
    answer(Answer.YES)  # the invitee will come after all: Andi's invitation is withdrawn
    answer(Answer.NO)

    page = answer(Answer.REPRESENTED, "andi@kemenag.go.id")  # not after all: Andi goes

    andi = Invitation.objects.get(member__email="andi@kemenag.go.id")
    invitation.refresh_from_db()
    assert "was withdrawn" not in page
    assert andi.withdrawn_at is None
    assert invitation.represented_by == andi
    assert emails_to("andi@kemenag.go.id") == [
        Kind.INVITATION,
        Kind.CANCELLATION,
        Kind.INVITATION,
    ]
    assert invitation.representations.count() == 2  # a change like any other


@pytest.mark.usefixtures("meeting", "invitation")
def test_someone_an_organizer_withdrew_after_standing_in_is_not_named_again(answer, organizer):
    answer(Answer.REPRESENTED, "andi@kemenag.go.id")
    andi = Invitation.objects.get(member__email="andi@kemenag.go.id")
    services.withdraw_invitation(invitation=andi, withdrawn_by=organizer)
    answer(Answer.REPRESENTED, "budi@kemenag.go.id")

    page = answer(Answer.REPRESENTED, "andi@kemenag.go.id")

    andi.refresh_from_db()
    assert "was withdrawn" in page
    assert andi.withdrawn_at is not None


@pytest.mark.usefixtures("invitation")
def test_someone_offered_a_seat_who_takes_the_invitees_leaves_the_offered_one_to_others(
    meeting, answer
):
    meeting.capacity = 2
    meeting.save()
    soon = timezone.now() + timedelta(days=3)
    meeting.sessions.update(starts_at=soon, ends_at=soon + timedelta(hours=2))
    answer(Answer.YES)
    leaving = InvitationFactory.create(meeting=meeting)
    offered = InvitationFactory.create(
        meeting=meeting, member=MemberFactory.create(email="rina@bps.go.id")
    )
    latecomer = InvitationFactory.create(meeting=meeting)
    for person, value in ((leaving, Answer.YES), (offered, Answer.YES), (leaving, Answer.NO)):
        services.answer_invitation(invitation=person, answer=value)
    assert SeatOffer.objects.get().invitation == offered  # the seat Rina was offered

    answer(Answer.REPRESENTED, "rina@bps.go.id")  # she takes the invitee's seat instead
    services.answer_invitation(invitation=latecomer, answer=Answer.YES)

    offered.refresh_from_db()
    latecomer.refresh_from_db()
    assert offered.answer == Answer.YES
    assert SeatOffer.objects.get(invitation=offered).state == SeatOffer.State.TAKEN
    assert latecomer.answer == Answer.YES  # the second seat is free, not held by an offer
