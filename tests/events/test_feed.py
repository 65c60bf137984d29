"""The personal calendar feed: a member subscribes once and sees every meeting they go to."""

import re
from datetime import UTC, date, datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import translation

from core.secrets import hash_secret
from events import feed
from events.models import Invitation, Meeting
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.events.parsers import read_events
from tests.members.factories import MemberFactory, UserFactory
from tests.support.found import found, moment

pytestmark = pytest.mark.django_db
Answer = Invitation.Answer
FEED_LINK = re.compile(r'value="(https?://[^"]+/calendar/([A-Za-z0-9_-]+)\.ics)"')


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    yield
    translation.deactivate()


@pytest.fixture
def member(db):  # noqa: ARG001 (requested for its effect)
    user = UserFactory.create(email="rina@kemenag.go.id")
    return MemberFactory.create(
        user=user, email=user.email, full_name="Rina Wulandari", language="en"
    )


@pytest.fixture
def member_client(client, member):
    client.force_login(member.user)
    return client


def make_link(member_client) -> tuple[str, str]:
    """Press "Make my calendar link"; returns (the https link, its path)."""
    page = member_client.post(reverse("events:profile_calendar")).content.decode()
    url, _secret = found(FEED_LINK, page).groups()
    return url, url.split("://", 1)[1].split("/", 1)[1]


def invited(member, answer=Answer.YES, **meeting):
    return InvitationFactory.create(
        member=member, answer=answer, meeting=MeetingFactory.create(**meeting)
    )


def read_with_every_parser(raw: bytes) -> dict[str, dict[str, tuple]]:
    """{parser: {uid: (start in UTC, status, sequence)}} as four unrelated parsers read it."""
    return {
        parser: {read.uid: (read.start, read.status, read.sequence) for read in reads}
        for parser, reads in read_events(raw).items()
    }


def uid(invitation) -> str:
    """The UID of the calendar event of the invitation's (one) session."""
    return invitation.meeting.sessions.get().uid


# --- Making and resetting the link ------------------------------------------------------------


def test_a_member_makes_their_link_and_sees_it_once(member_client, member):
    first_visit = member_client.get(reverse("events:profile_calendar")).content.decode()
    made = member_client.post(reverse("events:profile_calendar"))
    later_visit = member_client.get(reverse("events:profile_calendar")).content.decode()

    page = made.content.decode()
    url, secret = found(FEED_LINK, page).groups()
    member.refresh_from_db()
    assert "Make my calendar link" in first_visit
    assert not FEED_LINK.search(first_visit)
    assert f'value="webcal://{url.split("://", 1)[1]}"' in page
    assert member.calendar_feed_hash == hash_secret(secret) != secret
    assert made["Cache-Control"] == "no-store, private"
    assert not FEED_LINK.search(later_visit)
    assert "You already have a calendar link" in later_visit


def test_a_new_link_stops_the_old_one_at_once(member_client, member):
    invited(member)
    _old_url, old_path = make_link(member_client)
    _new_url, new_path = make_link(member_client)

    old = member_client.get("/" + old_path)
    new = member_client.get("/" + new_path)

    assert old.status_code == 404
    assert new.status_code == 200
    member.refresh_from_db()
    assert member.calendar_feed_hash == hash_secret(new_path.split("/")[1].removesuffix(".ics"))


def test_a_forged_link_gets_a_bare_404_like_any_other(client, member):
    feed.reset_calendar_feed(member=member)

    forged = client.get(reverse("events:calendar_feed", args=["x" * 43]))
    other = client.get(reverse("events:calendar_feed", args=["not-a-secret"]))
    hash_as_secret = client.get(reverse("events:calendar_feed", args=[member.calendar_feed_hash]))

    assert forged.status_code == other.status_code == hash_as_secret.status_code == 404
    assert forged.content == other.content == hash_as_secret.content == b"Not found\n"


def test_signing_in_is_needed_for_the_profile_page(client):
    response = client.get(reverse("events:profile_calendar"))

    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_an_account_without_a_member_record_is_told_so_and_gets_no_link(client):
    client.force_login(UserFactory.create())

    page = client.post(reverse("events:profile_calendar")).content.decode()

    assert "not linked to a member record" in page
    assert not FEED_LINK.search(page)


def test_the_navigation_leads_to_my_calendar(member_client):
    page = member_client.get(reverse("home")).content.decode()

    assert reverse("events:profile_calendar") in page


# --- What the feed holds ----------------------------------------------------------------------


def test_the_feed_lists_the_meetings_the_member_goes_to_and_marks_cancelled_ones(
    member_client, member
):
    going = invited(member, Answer.YES)
    undecided = invited(member, Answer.PENDING)
    finished = invited(member, Answer.YES, state=Meeting.State.FINISHED)
    cancelled = invited(member, Answer.YES, state=Meeting.State.CANCELLED, sequence=1)
    declined = invited(member, Answer.NO)
    represented = invited(member, Answer.REPRESENTED)
    withdrawn = invited(member, Answer.YES)
    withdrawn.withdrawn_at = withdrawn.created_at
    withdrawn.save()
    draft = invited(member, Answer.PENDING, state=Meeting.State.DRAFT)
    someone_elses = InvitationFactory.create(answer=Answer.YES)
    _url, path = make_link(member_client)

    response = member_client.get("/" + path)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    events = {str(e["UID"]): e for e in calendar.events}
    assert set(events) == {uid(i) for i in (going, undecided, finished, cancelled)}
    for hidden in (declined, represented, withdrawn, draft, someone_elses):
        assert uid(hidden) not in events
    assert str(events[uid(cancelled)]["STATUS"]) == "CANCELLED"
    assert events[uid(cancelled)].sequence == 1
    assert str(events[uid(going)]["STATUS"]) == "CONFIRMED"
    assert "Your answer: Will attend" in str(events[uid(going)]["DESCRIPTION"])
    assert "ATTENDEE" not in events[uid(going)]


def test_every_parser_reads_the_same_instants_including_summer_time(member_client, member):
    jakarta = invited(member, Answer.YES)  # 25 November 2021, 08.00 WIB
    berlin = invited(
        member,
        Answer.YES,
        time_zone="Europe/Berlin",
        sessions__first_day=date(2031, 7, 15),
        sessions__start_hour=9,
    )
    online = invited(member, Answer.YES, time_zone="UTC")
    _url, path = make_link(member_client)

    reads = read_with_every_parser(member_client.get("/" + path).content)

    expected = {
        uid(jakarta): (datetime(2021, 11, 25, 1, 0, tzinfo=UTC), "CONFIRMED", 0),
        uid(berlin): (datetime(2031, 7, 15, 7, 0, tzinfo=UTC), "CONFIRMED", 0),
        uid(online): (datetime(2021, 11, 25, 8, 0, tzinfo=UTC), "CONFIRMED", 0),
    }
    assert reads == {
        "icalendar": expected,
        "vobject": expected,
        "ics": expected,
        "ical.js": expected,
    }


def test_the_feed_follows_a_change_of_time_with_the_same_uid_and_a_new_sequence(
    member_client, member
):
    invitation = invited(member, Answer.YES)
    _url, path = make_link(member_client)
    before = icalendar.Calendar.from_ical(member_client.get("/" + path).content)

    session = invitation.meeting.sessions.get()
    session.starts_at = session.starts_at.replace(hour=3)
    session.save()
    Meeting.objects.filter(pk=invitation.meeting.pk).update(sequence=1)
    after = icalendar.Calendar.from_ical(member_client.get("/" + path).content)

    [old], [new] = before.events, after.events
    assert str(old["UID"]) == str(new["UID"]) == session.uid
    assert (old.sequence, new.sequence) == (0, 1)
    assert moment(new.start).astimezone(UTC).hour == 3


def test_the_feed_is_in_the_members_language(member_client, member):
    member.language = "id"
    member.save()
    invited(member, Answer.YES)
    _url, path = make_link(member_client)

    [event] = icalendar.Calendar.from_ical(member_client.get("/" + path).content).events

    assert "Kamis, 25 November 2021" in str(event["DESCRIPTION"])


@pytest.mark.parametrize("meetings", [1, 12])
def test_the_feed_takes_the_same_few_queries_for_1_or_12_meetings_of_two_sessions(
    client, member, meetings, django_assert_max_num_queries
):
    for _ in range(meetings):
        invited(member, Answer.YES, sessions=2)
    secret = feed.reset_calendar_feed(member=member)
    url = reverse("events:calendar_feed", args=[secret])

    with django_assert_max_num_queries(3):
        response = client.get(url)

    assert len(icalendar.Calendar.from_ical(response.content).events) == meetings * 2
