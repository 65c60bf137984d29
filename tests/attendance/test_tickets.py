"""Tickets: an accepted invitee finds a QR ticket on their answer page, can save it as a picture,
and gets a short email with the ticket link when they say they will attend."""

import email
import io
from datetime import timedelta
from email import policy

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from attendance import services
from attendance.models import Ticket
from core.links import WRONG_LINKS
from events import services as events_services
from events.models import Invitation
from outbox.models import Kind, OutboxMessage
from tests.attendance.factories import AcceptedInvitationFactory
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import AgencyFactory, MemberFactory
from tests.support.found import body, present

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


Answer = Invitation.Answer


@pytest.fixture
def meeting():
    return MeetingFactory.create(sessions=2, answer_deadline=timezone.now() + timedelta(days=7))


@pytest.fixture
def member():
    return MemberFactory.create(
        full_name="Rina Kusumawati",
        agency=AgencyFactory.create(name="Badan Pusat Statistik", acronym="BPS"),
    )


def answer_link(invitation) -> str:
    return reverse("events:answer", args=[events_services.issue_answer_link(invitation=invitation)])


def test_an_accepted_invitation_gets_one_ticket_with_its_own_secret(meeting, member):
    invitation = AcceptedInvitationFactory.create(meeting=meeting, member=member)

    first = present(services.ticket_for(invitation=invitation))
    again = services.ticket_for(invitation=invitation)

    assert first == again
    assert Ticket.objects.filter(invitation=invitation).count() == 1
    assert len(first.secret) >= 43  # 256 bits, URL-safe


@pytest.mark.parametrize("answer", [Answer.PENDING, Answer.NO, Answer.MAYBE, Answer.WAITLISTED])
def test_an_invitation_not_accepted_gets_no_ticket(meeting, answer):
    invitation = InvitationFactory.create(meeting=meeting, answer=answer)

    assert services.ticket_for(invitation=invitation) is None
    assert not Ticket.objects.exists()


def test_a_withdrawn_invitation_gets_no_ticket(meeting):
    invitation = AcceptedInvitationFactory.create(meeting=meeting, withdrawn_at=timezone.now())

    assert services.ticket_for(invitation=invitation) is None


def test_the_answer_page_of_an_accepted_invitee_shows_the_ticket(client, meeting, member):
    invitation = AcceptedInvitationFactory.create(meeting=meeting, member=member)

    page = client.get(answer_link(invitation))

    body = page.content.decode()
    ticket = Ticket.objects.get(invitation=invitation)
    assert 'id="ticket"' in body
    assert "<svg" in body
    assert services.qr_svg(ticket.secret) in body
    assert "Rina Kusumawati" in body
    assert "Badan Pusat Statistik" in body
    assert "Hari 1" in body
    assert "Hari 2" in body
    assert "/ticket.png" in body


def test_the_qr_code_holds_only_the_ticket_secret(meeting):
    import segno

    invitation = AcceptedInvitationFactory.create(meeting=meeting)
    ticket = present(services.ticket_for(invitation=invitation))

    expected = segno.make(ticket.secret, error="m", micro=False)
    # Same matrix: the code holds the secret and nothing else (no URL, no name).
    assert services.qr_svg(ticket.secret) == expected.svg_inline(
        scale=1,
        border=4,
        dark="#000",
        light="#fff",
        omitsize=True,
        svgclass="qr-code",
        lineclass=None,
    )
    assert 'viewBox="0 0' in services.qr_svg(ticket.secret)


def test_a_pending_invitee_sees_no_ticket(client, meeting):
    invitation = InvitationFactory.create(meeting=meeting)

    body = client.get(answer_link(invitation)).content.decode()

    assert 'id="ticket"' not in body
    assert not Ticket.objects.exists()


def test_the_ticket_can_be_saved_as_a_picture_with_the_answer_link(client, meeting, member):
    invitation = AcceptedInvitationFactory.create(meeting=meeting, member=member)
    secret = events_services.issue_answer_link(invitation=invitation)

    response = client.get(reverse("attendance:ticket_png", args=[secret]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]
    picture = Image.open(io.BytesIO(response.content))
    assert picture.format == "PNG"
    assert picture.width >= 400
    assert picture.height > picture.width


def test_the_picture_needs_a_valid_answer_link_of_an_accepted_invitation(client, meeting):
    pending = InvitationFactory.create(meeting=meeting)
    pending_secret = events_services.issue_answer_link(invitation=pending)

    forged = client.get(reverse("attendance:ticket_png", args=["x" * 43]))
    not_accepted = client.get(reverse("attendance:ticket_png", args=[pending_secret]))

    assert forged.status_code == 404
    assert not_accepted.status_code == 404


def test_forged_picture_links_count_with_answer_links_and_never_refuse_the_right_one(
    client, meeting, member
):
    invitation = AcceptedInvitationFactory.create(meeting=meeting, member=member)
    secret = events_services.issue_answer_link(invitation=invitation)
    for _ in range(WRONG_LINKS.allowed):
        client.get(reverse("attendance:ticket_png", args=["x" * 43]))

    assert client.get(reverse("events:answer", args=["x" * 43])).status_code == 429
    assert client.get(reverse("attendance:ticket_png", args=[secret])).status_code == 200
    assert client.get(reverse("events:answer", args=[secret])).status_code == 200


def test_saying_will_attend_sends_a_ticket_email_with_the_ticket_link(client, meeting, member):
    invitation = InvitationFactory.create(meeting=meeting, member=member)

    client.post(answer_link(invitation), {"answer": Answer.YES})

    [message] = OutboxMessage.objects.filter(kind=Kind.TICKET)
    assert message.recipient == member.email
    parsed = email.message_from_bytes(bytes(message.raw), policy=policy.default)
    text = body(parsed)
    assert meeting.title in parsed["Subject"]
    assert "#ticket" in text
    link = next(word for word in text.split() if "#ticket" in word)
    page = client.get(link.split("http://127.0.0.1:8000")[-1].split("#")[0])
    assert 'id="ticket"' in page.content.decode()


def test_answering_will_attend_again_sends_no_second_ticket_email(client, meeting, member):
    invitation = InvitationFactory.create(meeting=meeting, member=member)
    url = answer_link(invitation)

    client.post(url, {"answer": Answer.YES})
    client.post(url, {"answer": Answer.YES, "note": "Saya datang pukul 08.00"})

    assert OutboxMessage.objects.filter(kind=Kind.TICKET).count() == 1


def test_declining_or_a_full_meeting_sends_no_ticket_email(client, meeting):
    meeting.capacity = 1
    meeting.save()
    AcceptedInvitationFactory.create(meeting=meeting)
    waitlisted = InvitationFactory.create(meeting=meeting)
    declining = InvitationFactory.create(meeting=meeting)

    client.post(answer_link(waitlisted), {"answer": Answer.YES})
    client.post(answer_link(declining), {"answer": Answer.NO})

    assert Invitation.objects.get(pk=waitlisted.pk).answer == Answer.WAITLISTED
    assert not OutboxMessage.objects.filter(kind=Kind.TICKET).exists()


@pytest.mark.usefixtures("settings")
def test_opening_the_answer_page_remembers_the_invitation_for_self_check_in(client, meeting):
    invitation = AcceptedInvitationFactory.create(meeting=meeting)

    response = client.get(answer_link(invitation))

    cookie = response.cookies[f"rakor_inv_{meeting.pk}"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert str(invitation.pk) in cookie.value
    assert ":" in cookie.value
