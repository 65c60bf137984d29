"""Calendar replies in a meeting whose sessions are events of their own, and from whom a reply
counts: the answer stays the meeting's, and only the invitee can change it."""

from datetime import UTC, date, datetime, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from events import services
from events.models import CalendarReply, Invitation, Meeting
from tests.events.factories import InvitationFactory, MeetingFactory, local
from tests.events.replies import Reply, gmail_reply, outlook_reply
from tests.members.factories import MemberFactory, UserFactory
from tests.support.meetings import sessions_as_they_are

Answer = Invitation.Answer
Outcome = CalendarReply.Outcome
pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(organizer):
    meeting = MeetingFactory.create(sessions=2, sequence=1)
    meeting.organizers.add(organizer)
    return meeting


@pytest.fixture
def budi(meeting):
    member = MemberFactory.create(full_name="Budi Santoso", email="budi.santoso@kemenag.go.id")
    return InvitationFactory.create(meeting=meeting, member=member)


def session(meeting, number: int):
    return meeting.sessions.order_by("starts_at")[number - 1]


def reply(meeting, number: int, invitation, partstat: str, **fields) -> CalendarReply:
    """The invitee's calendar answers `partstat` for session `number`, a moment later."""
    fields.setdefault("dtstamp", datetime.now(UTC) + timedelta(seconds=number))
    return services.ingest_calendar_reply(
        raw=gmail_reply(
            Reply(
                uid=session(meeting, number).uid,
                attendee=invitation.member.email,
                partstat=partstat,
                sequence=Meeting.objects.get(pk=meeting.pk).sequence,
                **fields,
            )
        )
    )


def answer_of(invitation) -> str:
    invitation.refresh_from_db()
    return invitation.answer


# --- From whom ---------------------------------------------------------------------------------


def test_a_stranger_naming_an_invitee_changes_nothing_and_the_organizers_see_why(
    organizer_client, meeting, budi
):
    budi.answer, budi.answered_at = Answer.YES, datetime.now(UTC) - timedelta(days=1)
    budi.save()

    forged = reply(meeting, 1, budi, "DECLINED", sender="penipu@evil.example")

    assert forged.outcome == Outcome.IGNORED
    assert forged.invitation == budi
    assert forged.sender == "penipu@evil.example"
    assert answer_of(budi) == Answer.YES
    page = organizer_client.get(reverse("events:meeting_detail", args=[meeting.pk]))
    shown = page.content.decode()
    assert "Balasan kalender yang perlu diperiksa" in shown  # in Rakor's language, Indonesian
    assert "Budi Santoso" in shown
    assert "Dikirim dari penipu@evil.example, bukan dari alamat orang yang diundang" in shown


def test_a_reply_from_an_address_of_the_invitees_account_counts_in_any_case(meeting, budi):
    budi.member.user = UserFactory.create(email="budi.s@kemenag.go.id")
    budi.member.save()
    EmailAddress.objects.create(
        user=budi.member.user, email="budi.pribadi@mail.example", verified=True
    )

    EmailAddress.objects.create(user=budi.member.user, email="lama@mail.example", verified=False)

    from_account = reply(meeting, 1, budi, "ACCEPTED", sender="Budi.S@Kemenag.go.id")
    from_private = reply(meeting, 2, budi, "ACCEPTED", sender="BUDI.PRIBADI@mail.example")
    unverified = reply(meeting, 1, budi, "DECLINED", sender="lama@mail.example")

    assert (from_account.outcome, from_private.outcome) == (Outcome.APPLIED, Outcome.APPLIED)
    assert unverified.outcome == Outcome.IGNORED
    assert answer_of(budi) == Answer.YES


def test_outlook_writing_the_invitees_own_address_in_capitals_counts(meeting, budi):
    raw = outlook_reply(
        Reply(
            uid=session(meeting, 1).uid,
            attendee="BUDI.SANTOSO@KEMENAG.GO.ID",
            sender="Budi.Santoso@Kemenag.go.id",
            sequence=1,
        )
    )

    assert services.ingest_calendar_reply(raw=raw).outcome == Outcome.APPLIED
    assert answer_of(budi) == Answer.YES


# --- One session or the meeting --------------------------------------------------------------


def test_declining_one_session_of_two_is_shown_to_the_organizers_not_applied(
    organizer_client, meeting, budi
):
    budi.answer, budi.answered_at = Answer.YES, datetime.now(UTC) - timedelta(days=1)
    budi.save()

    declined = reply(meeting, 2, budi, "DECLINED")

    assert declined.outcome == Outcome.NOTED
    assert declined.session == session(meeting, 2)
    assert answer_of(budi) == Answer.YES
    shown = organizer_client.get(reverse("events:meeting_detail", args=[meeting.pk]))
    assert "Berhalangan hanya untuk sesi “Hari 2”" in shown.content.decode()


def test_declining_every_session_declines_the_meeting(meeting, budi):
    first = reply(meeting, 1, budi, "DECLINED")
    assert (first.outcome, answer_of(budi)) == (Outcome.NOTED, Answer.PENDING)

    second = reply(meeting, 2, budi, "DECLINED")

    assert second.outcome == Outcome.APPLIED
    assert answer_of(budi) == Answer.NO


def test_accepting_one_session_accepts_the_meeting(meeting, budi):
    accepted = reply(meeting, 2, budi, "ACCEPTED")

    assert accepted.outcome == Outcome.APPLIED
    assert answer_of(budi) == Answer.YES


def test_a_reply_about_a_session_that_did_not_change_still_counts_after_another_moved(
    meeting, budi, django_capture_on_commit_callbacks
):
    sessions = sessions_as_they_are(meeting)
    sessions[1]["starts_at"] = local(date(2021, 11, 26), 10)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(meeting=meeting, data={}, sessions=sessions)
    unchanged, moved = session(meeting, 1), session(meeting, 2)
    assert (unchanged.sequence, moved.sequence, Meeting.objects.get(pk=meeting.pk).sequence) == (
        1,
        2,
        2,
    )

    old_version = services.ingest_calendar_reply(
        raw=gmail_reply(Reply(uid=moved.uid, attendee=budi.member.email, sequence=1))
    )
    current = services.ingest_calendar_reply(
        raw=gmail_reply(Reply(uid=unchanged.uid, attendee=budi.member.email, sequence=1))
    )

    assert old_version.outcome == Outcome.STALE
    assert current.outcome == Outcome.APPLIED
    assert answer_of(budi) == Answer.YES
