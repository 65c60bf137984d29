"""The waiting list: a freed seat is offered by email to the first person waiting, kept for them
until a deadline (24 hours, or half the time left before the first session when shorter), taken
through their own answer link (a POST), and offered to the next when they decline or let it
expire; the organizer sees the queue's order and each offer's state."""

import email
import email.policy
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from events import services, tasks
from events.models import Invitation, SeatOffer
from outbox.models import Kind, OutboxMessage
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import MemberFactory
from tests.support.found import body, present

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
Answer = Invitation.Answer

# The meeting's first session: 25 November 2021, 08.00 WIB (01.00 UTC).
FIRST_START = datetime(2021, 11, 25, 1, 0, tzinfo=UTC)
FIVE_DAYS_BEFORE = FIRST_START - timedelta(days=5)


@pytest.fixture
def clock():
    with time_machine.travel(FIVE_DAYS_BEFORE, tick=False) as traveller:
        yield traveller


@pytest.fixture
def meeting(organizer, clock):  # noqa: ARG001 (requested for its effect)
    meeting = MeetingFactory.create(capacity=1, title="Rakor Pranata Humas")
    meeting.organizers.add(organizer)
    return meeting


def answer(invitation, value):
    return services.answer_invitation(invitation=invitation, answer=value)


def full_meeting(meeting, waiting=2):
    """One seat taken by Ani, then `waiting` people on the list in the order they answered."""
    seated = InvitationFactory.create(
        meeting=meeting, member=MemberFactory.create(full_name="Ani Seated")
    )
    answer(seated, Answer.YES)
    queue = []
    for n in range(waiting):
        invitation = InvitationFactory.create(
            meeting=meeting, member=MemberFactory.create(full_name=f"Waiting {n + 1}")
        )
        answer(invitation, Answer.YES)
        queue.append(invitation)
    return seated, queue


def offers():
    return {o.invitation_id: o.state for o in SeatOffer.objects.all()}


def offer_link(invitation) -> str:
    """The answer link in the latest seat offer emailed to this invitee."""
    message = OutboxMessage.objects.filter(
        recipient=invitation.member.email, kind=Kind.UPDATE
    ).latest("pk")
    return present(re.search(rb"/a/([A-Za-z0-9_-]{20,})/", bytes(message.raw))).group(1).decode()


def test_the_deadline_is_24_hours_or_half_the_time_left_whichever_is_shorter():
    now = FIRST_START - timedelta(days=5)
    assert services.offer_deadline(now=now, first_start=FIRST_START) == now + timedelta(hours=24)
    now = FIRST_START - timedelta(hours=10)
    assert services.offer_deadline(now=now, first_start=FIRST_START) == now + timedelta(hours=5)
    assert services.offer_deadline(now=FIRST_START, first_start=FIRST_START) is None


@pytest.mark.usefixtures("clock")
def test_a_freed_seat_is_offered_to_the_first_waiting_and_held_for_them(meeting):
    seated, (first, _second) = full_meeting(meeting)

    answer(seated, Answer.NO)
    latecomer = answer(InvitationFactory.create(meeting=meeting), Answer.YES)

    assert offers() == {first.pk: SeatOffer.State.OPEN}
    offer = SeatOffer.objects.get()
    assert offer.expires_at == FIVE_DAYS_BEFORE + timedelta(hours=24)
    assert Invitation.objects.get(pk=first.pk).answer == Answer.WAITLISTED
    assert latecomer.answer == Answer.WAITLISTED  # the offered seat is not up for grabs
    mail = OutboxMessage.objects.get(recipient=first.member.email, kind=Kind.UPDATE)
    text = body(email.message_from_bytes(bytes(mail.raw), policy=email.policy.default))
    assert "Minggu, 21 November 2021 · 08.00 WIB" in " ".join(text.split())  # the deadline


@pytest.mark.usefixtures("clock")
def test_the_offer_is_taken_through_the_answer_link_with_a_post(client, meeting):
    seated, (first, _second) = full_meeting(meeting)
    answer(seated, Answer.NO)
    url = reverse("events:answer", args=[offer_link(first)])

    page = client.get(url)
    assert "A seat is free for you" in page.text
    assert "Take the seat" in page.text
    assert Invitation.objects.get(pk=first.pk).answer == Answer.WAITLISTED  # a GET takes nothing

    taken = client.post(reverse("events:take_seat", args=[offer_link(first)]), follow=True)

    assert "The seat is yours" in taken.text
    assert Invitation.objects.get(pk=first.pk).answer == Answer.YES
    assert offers() == {first.pk: SeatOffer.State.TAKEN}
    assert OutboxMessage.objects.filter(recipient=first.member.email, kind=Kind.TICKET).exists()


def test_an_expired_offer_goes_to_the_next_from_beat(client, meeting, clock):
    seated, (first, second) = full_meeting(meeting)
    answer(seated, Answer.NO)
    link = offer_link(first)

    clock.shift(timedelta(hours=24, minutes=1))
    owed = tasks.expire_seat_offers.apply().get()

    assert owed == 1
    assert offers() == {first.pk: SeatOffer.State.EXPIRED, second.pk: SeatOffer.State.OPEN}
    refused = client.post(reverse("events:take_seat", args=[link]), follow=True)
    assert "This seat is no longer offered to you" in refused.text
    assert Invitation.objects.get(pk=first.pk).answer == Answer.WAITLISTED
    assert tasks.expire_seat_offers.apply().get() == 0  # nothing owed twice


@pytest.mark.usefixtures("clock")
def test_declining_the_offer_passes_it_on_at_once(meeting):
    seated, (first, second) = full_meeting(meeting)
    answer(seated, Answer.NO)

    answer(Invitation.objects.get(pk=first.pk), Answer.NO)

    assert offers() == {first.pk: SeatOffer.State.DECLINED, second.pk: SeatOffer.State.OPEN}


@pytest.mark.usefixtures("clock")
def test_answering_will_attend_on_the_form_takes_the_offered_seat(meeting):
    seated, (first, _second) = full_meeting(meeting)
    answer(seated, Answer.NO)

    taken = answer(Invitation.objects.get(pk=first.pk), Answer.YES)

    assert taken.answer == Answer.YES
    assert offers() == {first.pk: SeatOffer.State.TAKEN}


@pytest.mark.usefixtures("clock")
def test_withdrawing_someone_offered_a_seat_offers_it_to_the_next(meeting):
    seated, (first, second) = full_meeting(meeting)
    answer(seated, Answer.NO)

    services.withdraw_invitation(invitation=first, withdrawn_by=None)

    assert offers() == {first.pk: SeatOffer.State.WITHDRAWN, second.pk: SeatOffer.State.OPEN}


@pytest.mark.usefixtures("clock")
def test_more_seats_are_offered_when_the_capacity_grows(meeting):
    _seated, queue = full_meeting(meeting, waiting=3)
    meeting.capacity = 3
    meeting.save()

    services.seat_freed(meeting=meeting)

    assert set(offers()) == {queue[0].pk, queue[1].pk}


def test_nothing_is_offered_once_the_meeting_has_begun(meeting, clock):
    seated, _queue = full_meeting(meeting)

    clock.move_to(FIRST_START + timedelta(minutes=5))
    services.seat_freed(meeting=meeting)
    meeting.invitations.filter(pk=seated.pk).update(answer=Answer.NO)
    services.seat_freed(meeting=meeting)

    assert offers() == {}


@pytest.mark.usefixtures("clock")
def test_the_organizer_sees_the_queue_in_order_with_each_offers_state(organizer_client, meeting):
    seated, _queue = full_meeting(meeting, waiting=2)
    answer(seated, Answer.NO)

    page = organizer_client.get(reverse("events:meeting_detail", args=[meeting.pk])).text

    queue = page.split('id="waiting-list"')[1]
    assert queue.index("Waiting 1") < queue.index("Waiting 2")
    assert "Offered until 21 Nov 2021 08.00 WIB" in queue
    assert queue.count("Offered until") == 1


@pytest.mark.parametrize("meetings", [2, 20])
def test_the_beat_task_costs_the_same_queries_whatever_is_due(
    meetings, clock, django_assert_max_num_queries
):
    for _ in range(meetings):
        meeting = MeetingFactory.create(capacity=1)
        full_meeting(meeting, waiting=2)
        answer(meeting.invitations.order_by("pk").first(), Answer.NO)
    clock.shift(timedelta(hours=25))

    with django_assert_max_num_queries(2):
        owed = services.expire_seat_offers()

    assert len(owed) == meetings
    with django_assert_max_num_queries(2):
        assert services.expire_seat_offers() == owed  # until each meeting's task has run
