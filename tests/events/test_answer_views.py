"""The answer page behind the link in the invitation email."""

import email
from datetime import timedelta
from email import policy

import icalendar
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.links import WRONG_LINKS
from events import services
from events.calendar import build_request
from events.models import Invitation, Meeting
from events.snapshot import MeetingSnapshot
from members.models import Member
from outbox.models import Kind, OutboxMessage
from tests.events.factories import AgendaItemFactory, InvitationFactory, MeetingFactory
from tests.members.factories import MemberFactory
from tests.support.found import body
from tests.support.http import through_caddy

pytestmark = pytest.mark.django_db

Answer = Invitation.Answer


@pytest.fixture
def meeting():
    meeting = MeetingFactory.create(
        sessions=2,
        mode=Meeting.Mode.HYBRID,
        online_url="https://zoom.example/j/123",
        answer_deadline=timezone.now() + timedelta(days=7),
    )
    AgendaItemFactory.create(meeting=meeting, title="Penguatan profesionalitas kehumasan")
    return meeting


@pytest.fixture
def invitation(meeting):
    return InvitationFactory.create(meeting=meeting)


@pytest.fixture
def url(invitation):
    return reverse("events:answer", args=[services.issue_answer_link(invitation=invitation)])


def partstat(invitation) -> str:
    invitation = Invitation.objects.get(pk=invitation.pk)
    calendar = icalendar.Calendar.from_ical(
        build_request(
            meeting=invitation.meeting,
            session=MeetingSnapshot.of(invitation.meeting).sessions[0],
            invitations=[invitation],
        )
    )
    [event] = calendar.events
    return event["ATTENDEE"].params["PARTSTAT"]


def test_the_page_shows_the_meeting_and_changes_nothing_on_get(client, url, invitation):
    page = client.get(url)

    body = page.content.decode()
    assert page.status_code == 200
    assert invitation.meeting.title in body
    assert "Penguatan profesionalitas kehumasan" in body
    assert "https://zoom.example/j/123" in body
    assert "Aula Gedung Kementerian Agama" in body
    assert "08.00–16.00 WIB" in body
    assert page["Referrer-Policy"] == "same-origin"
    assert "no-store" in page["Cache-Control"]
    invitation.refresh_from_db()
    assert (invitation.answer, invitation.answered_at) == (Answer.PENDING, None)


def test_answering_by_post_changes_the_answer_and_the_calendar(client, url, invitation):
    assert partstat(invitation) == "NEEDS-ACTION"

    response = client.post(url, {"answer": "yes", "note": "Datang bersama staf"}, follow=True)

    invitation.refresh_from_db()
    assert (invitation.answer, invitation.note) == (Answer.YES, "Datang bersama staf")
    assert partstat(invitation) == "ACCEPTED"
    assert reverse("events:answer_calendar", args=[url.split("/")[2]]) in response.content.decode()

    client.post(url, {"answer": "no"})

    assert partstat(invitation) == "DECLINED"


def test_after_attending_each_session_downloads_as_its_own_calendar_file(client, url, invitation):
    client.post(url, {"answer": "yes"})
    secret = url.split("/")[2]
    page = client.get(url).content.decode()

    downloaded = {}
    for session in invitation.meeting.sessions.order_by("starts_at"):
        link = f"{reverse('events:answer_calendar', args=[secret])}?session={session.uid}"
        assert link.replace("@", "%40") in page
        response = client.get(link)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        [event] = icalendar.Calendar.from_ical(response.content).events
        assert event.start == session.starts_at
        assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
        downloaded[str(event["UID"])] = session.title

    assert downloaded == {s.uid: s.title for s in invitation.meeting.sessions.all()}


def test_forged_and_withdrawn_links_get_the_same_plain_404(client, url, invitation):
    forged = client.get(reverse("events:answer", args=["x" * 43]))
    invitation.withdrawn_at = timezone.now()
    invitation.save()
    withdrawn = client.get(url)
    withdrawn_post = client.post(url, {"answer": "yes"})

    assert forged.status_code == withdrawn.status_code == withdrawn_post.status_code == 404
    assert forged.content == withdrawn.content == withdrawn_post.content
    assert invitation.meeting.title not in withdrawn.content.decode()
    invitation.refresh_from_db()
    assert invitation.answer == Answer.PENDING


def test_after_the_deadline_the_answer_stays_and_the_page_says_why(client, url, invitation):
    Meeting.objects.filter(pk=invitation.meeting_id).update(
        answer_deadline=timezone.now() - timedelta(hours=1)
    )

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(url, {"answer": "yes"}, follow=True)

    assert "Answers closed on" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.answer == Answer.PENDING


def test_after_the_deadline_the_page_offers_no_answer_it_would_refuse(client, url, invitation):
    """The page says answers are closed before anyone presses a button that cannot work."""
    Meeting.objects.filter(pk=invitation.meeting_id).update(
        answer_deadline=timezone.now() - timedelta(hours=1)
    )

    page = client.get(url)

    assert "Konfirmasi kehadiran telah ditutup pada" in page.text
    assert "hubungi panitia" in page.text
    assert "Apakah Bapak/Ibu akan hadir?" not in page.text
    assert 'name="answer"' not in page.text


def test_an_unknown_answer_is_refused(client, url, invitation):
    response = client.post(url, {"answer": "waitlisted"})

    assert response.status_code == 400
    invitation.refresh_from_db()
    assert invitation.answer == Answer.PENDING


def test_sending_a_representative_invites_them_and_marks_the_original(
    client, url, invitation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                "answer": "represented",
                "representative_name": "Siti Rahma",
                "representative_email": "siti.rahma@kemenag.go.id",
                "representative_position": "Pranata Humas Ahli Pertama",
            },
        )

    invitation.refresh_from_db()
    representative = invitation.represented_by
    assert invitation.answer == Answer.REPRESENTED
    assert representative.member.full_name == "Siti Rahma"
    assert representative.member.agency == invitation.member.agency
    assert representative.meeting == invitation.meeting
    assert representative.invitation_sent_at is not None
    rows = OutboxMessage.objects.filter(recipient="siti.rahma@kemenag.go.id")
    assert [row.kind for row in rows] == [Kind.INVITATION] * 2, "one per session"
    parsed = email.message_from_bytes(bytes(rows[0].raw), policy=policy.default)
    assert parsed.get_content_type() == "multipart/mixed"
    original = f"{invitation.member.full_name}, {invitation.member.agency.name}"
    for part in ("plain", "html"):  # whom she represents, in Rakor's language
        text = " ".join(body(parsed, part).split())
        assert f"diundang sebagai wakil dari {original}" in text.replace("&amp;", "&"), part
    assert partstat(invitation) == "DELEGATED"


def test_a_representative_who_is_a_member_is_found_by_email_in_any_case(client, url, invitation):
    known = MemberFactory.create(email="Budi.Santoso@Komdigi.go.id")

    client.post(
        url,
        {
            "answer": "represented",
            "representative_name": "Budi",
            "representative_email": "budi.santoso@komdigi.go.id",
        },
    )

    invitation.refresh_from_db()
    assert invitation.represented_by.member == known
    assert Member.objects.filter(email__iexact=known.email).count() == 1


def test_a_representative_needs_a_name_and_an_email(client, url, invitation):
    response = client.post(url, {"answer": "represented", "representative_name": "Siti"})

    assert response.status_code == 400
    invitation.refresh_from_db()
    assert invitation.answer == Answer.PENDING


def test_the_original_cannot_represent_themselves(client, url, invitation):
    response = client.post(
        url,
        {
            "answer": "represented",
            "representative_name": "Me",
            "representative_email": invitation.member.email.upper(),
        },
        follow=True,
    )

    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.answer == Answer.PENDING


def test_many_wrong_links_from_one_address_refuse_the_wrong_ones_not_the_right_one(client, url):
    for _ in range(WRONG_LINKS.allowed):
        client.get(reverse("events:answer", args=["wrong"]))

    assert client.get(reverse("events:answer", args=["wrong"])).status_code == 429
    assert client.get(url).status_code == 200


@pytest.mark.usefixtures("url")
def test_behind_the_proxy_a_guesser_is_refused_only_at_their_own_address(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    wrong = reverse("events:answer", args=["wrong"])
    for _ in range(WRONG_LINKS.allowed):
        client.get(wrong, **through_caddy("203.0.113.7"))

    elsewhere = client.get(wrong, **through_caddy("198.51.100.20"))
    guesser = client.get(wrong, **through_caddy("203.0.113.7"))

    assert elsewhere.status_code == 404
    assert guesser.status_code == 429
