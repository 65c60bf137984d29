"""Capacity and the waiting list: no overbooking, and a freed seat is offered to the first waiting
(the offers themselves: test_waitlist.py)."""

import threading
from collections import Counter
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection, connections

from events import services
from events.models import Invitation, SeatOffer
from outbox.models import Kind, OutboxMessage
from tests.events.factories import InvitationFactory, MeetingFactory

Answer = Invitation.Answer
BEFORE_THE_MEETING = datetime(2021, 11, 20, 9, 0, tzinfo=UTC)  # five days before its first session


def answer(invitation, value):
    return services.answer_invitation(invitation=invitation, answer=value)


@pytest.mark.django_db
def test_over_capacity_an_acceptance_waits_and_a_freed_seat_is_offered_to_the_first_waiting(
    django_capture_on_commit_callbacks,
):
    meeting = MeetingFactory.create(capacity=1)
    seated, first_waiting, second_waiting = (
        InvitationFactory.create(meeting=meeting) for _ in range(3)
    )
    with time_machine.travel(BEFORE_THE_MEETING, tick=False):
        answer(seated, Answer.YES)
        assert answer(first_waiting, Answer.YES).answer == Answer.WAITLISTED
        assert answer(second_waiting, Answer.YES).answer == Answer.WAITLISTED

        with django_capture_on_commit_callbacks(execute=True):
            answer(seated, Answer.NO)

    answers = dict(Invitation.objects.values_list("pk", "answer"))
    assert answers == {
        seated.pk: Answer.NO,
        first_waiting.pk: Answer.WAITLISTED,  # offered the seat, not put in it
        second_waiting.pk: Answer.WAITLISTED,
    }
    [offer] = SeatOffer.objects.all()
    assert (offer.invitation, offer.state) == (first_waiting, SeatOffer.State.OPEN)
    [told] = OutboxMessage.objects.all()
    assert (told.recipient, told.kind) == (first_waiting.member.email, Kind.UPDATE)


@pytest.mark.django_db
def test_a_waiting_person_who_declines_leaves_the_list():
    meeting = MeetingFactory.create(capacity=1)
    seated, waiting, later = (InvitationFactory.create(meeting=meeting) for _ in range(3))
    with time_machine.travel(BEFORE_THE_MEETING, tick=False):
        answer(seated, Answer.YES)
        answer(waiting, Answer.YES)
        answer(later, Answer.YES)

        answer(waiting, Answer.NO)
        answer(seated, Answer.MAYBE)

    assert SeatOffer.objects.get().invitation == later
    assert Invitation.objects.get(pk=waiting.pk).answer == Answer.NO


@pytest.mark.django_db
def test_a_representative_takes_over_the_seat_of_the_person_they_represent():
    meeting = MeetingFactory.create(capacity=1)
    seated, waiting = (
        InvitationFactory.create(meeting=meeting),
        InvitationFactory.create(meeting=meeting),
    )
    answer(seated, Answer.YES)
    answer(waiting, Answer.YES)

    representative = services.represent_invitation(
        invitation=seated, name="Siti", email="siti@kemenag.go.id"
    )

    assert representative.answer == Answer.YES
    assert Invitation.objects.get(pk=waiting.pk).answer == Answer.WAITLISTED


@pytest.mark.timeout(120)
@pytest.mark.django_db(transaction=True)
def test_twenty_people_accepting_at_once_take_exactly_the_five_seats():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time, so there is no race")
    meeting = MeetingFactory.create(capacity=5)
    invitations = [InvitationFactory.create(meeting=meeting) for _ in range(20)]
    start = threading.Barrier(len(invitations))
    errors = []

    def accept(invitation):
        try:
            start.wait()
            answer(invitation, Answer.YES)
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(i,)) for i in invitations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Counter(meeting.invitations.values_list("answer", flat=True)) == Counter(
        {Answer.YES: 5, Answer.WAITLISTED: 15}
    )
