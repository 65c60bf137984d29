"""The waiting list: a freed seat is offered, by email, to the first person waiting.

An acceptance over capacity goes to the waiting list (invitations.answer_invitation). When a
seat frees (someone who held one answers otherwise or is withdrawn, the capacity grows), the
first person waiting is offered it: the seat is kept for them until a deadline (settings.
SEAT_OFFER_HOURS, 24 hours, or half the time left before the first session, whichever is
shorter), and they take it through their own answer link (a POST). Declined or expired, it is
offered to the next. Each person is offered a seat once per meeting; an open offer holds its
seat, so nobody else's "Will attend" takes it meanwhile.

`seat_freed` is the one entry point for "a seat may have become free": every service that frees
a seat calls it in its transaction, with the meeting row locked. `expire_seat_offers` runs from
beat: it closes the offers past their deadline and hands Celery the meetings that owe offers
(a set-based pass of two queries, whatever the number of meetings).
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, IntegerField, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from core.dates import format_moment
from outbox.models import Kind
from outbox.services import queue_messages

from ..mail import update_messages
from ..models import Invitation, Meeting, SeatOffer
from ..selectors import of_sessions
from ..snapshot import MeetingSnapshot
from .answer_links import answer_url, issue_answer_links

log = logging.getLogger(__name__)
Answer = Invitation.Answer


class SeatOfferClosed(Exception):
    """There is no seat offer to take: it expired, was taken or declined, or never existed."""

    message = _("This seat is no longer offered to you. You are still on the waiting list.")


def offer_deadline(*, now: datetime, first_start: datetime | None) -> datetime | None:
    """Until when a seat offered `now` is kept: settings.SEAT_OFFER_HOURS, or half the time
    left before the first session when that is shorter; None once the meeting has begun."""
    longest = now + timedelta(hours=settings.SEAT_OFFER_HOURS)
    if first_start is None:
        return longest
    if first_start <= now:
        return None
    return min(longest, now + (first_start - now) / 2)


def seats_held(meeting: Meeting, *, excluding: Invitation | None = None) -> int:
    """Seats taken: those who will attend, and the open offers (but `excluding`'s own)."""
    now = timezone.now()
    attending = meeting.invitations.filter(answer=Answer.YES, withdrawn_at__isnull=True)
    offered = SeatOffer.objects.filter(
        meeting=meeting, state=SeatOffer.State.OPEN, expires_at__gt=now
    )
    if excluding is not None:
        offered = offered.exclude(invitation=excluding)
    return attending.count() + offered.count()


def has_open_offer(invitation: Invitation) -> bool:
    return SeatOffer.objects.filter(invitation=invitation, state=SeatOffer.State.OPEN).exists()


def seat_freed(*, meeting: Meeting) -> list[SeatOffer]:
    """A seat may have become free: settle the open offers whose holder answered meanwhile
    (taken, declined, withdrawn) or whose deadline passed, then offer every free seat to the
    next people waiting who were never offered one, first come first served, and email them.

    Call it in the transaction that freed the seat, with the meeting row locked (select_for_
    update), as answer_invitation, withdraw_invitation and update_meeting do. A meeting that
    is not published, or has begun, offers nothing. Returns the new offers."""
    now = timezone.now()
    _settle_offers(meeting, now)
    if meeting.state != Meeting.State.PUBLISHED:
        return []
    first_start = meeting.sessions.aggregate(first=Min("starts_at"))["first"]
    deadline = offer_deadline(now=now, first_start=first_start)
    if deadline is None:
        return []
    free = None if meeting.capacity is None else meeting.capacity - seats_held(meeting)
    if free is not None and free <= 0:
        return []
    waiting = (
        meeting.invitations.filter(answer=Answer.WAITLISTED, withdrawn_at__isnull=True)
        .exclude(Exists(SeatOffer.objects.filter(invitation=OuterRef("pk"))))
        .select_related("member__agency")
        .order_by("waitlisted_at", "pk")
    )
    chosen = list(waiting[:free] if free is not None else waiting)
    if not chosen:
        return []
    offers = SeatOffer.objects.bulk_create(
        [
            SeatOffer(meeting=meeting, invitation=invitation, offered_at=now, expires_at=deadline)
            for invitation in chosen
        ]
    )
    _email_offers(meeting, chosen, deadline)
    log.info("Meeting %s: a seat offered to %s until %s", meeting.pk, len(offers), deadline)
    return offers


@transaction.atomic
def offer_free_seats(*, meeting_id: int) -> list[SeatOffer]:
    """seat_freed for a meeting found by the beat task, with its row locked."""
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
    return seat_freed(meeting=meeting) if meeting is not None else []


def _settle_offers(meeting: Meeting, now: datetime) -> None:
    """Close the open offers that no longer hold a seat, in set-based updates: the holder was
    withdrawn, took it (answered "Will attend"), let it expire, or answered otherwise."""
    open_offers = SeatOffer.objects.filter(meeting=meeting, state=SeatOffer.State.OPEN)
    for state, which in (
        (SeatOffer.State.WITHDRAWN, Q(invitation__withdrawn_at__isnull=False)),
        (SeatOffer.State.TAKEN, Q(invitation__answer=Answer.YES)),
        (SeatOffer.State.EXPIRED, Q(expires_at__lte=now)),
        (SeatOffer.State.DECLINED, ~Q(invitation__answer=Answer.WAITLISTED)),
    ):
        open_offers.filter(which).update(state=state, closed_at=now)


def _email_offers(meeting: Meeting, invitations: list[Invitation], deadline: datetime) -> None:
    language = settings.LANGUAGE_CODE
    with override(language):
        line = gettext(
            "A seat is free for you: it is kept until %(deadline)s. Open your answer link and "
            "press “Take the seat” to come; after that, it is offered to the next person "
            "waiting."
        ) % {"deadline": format_moment(deadline, meeting.time_zone)}
    snapshot = MeetingSnapshot.of(meeting)
    secrets = issue_answer_links(invitations=invitations)
    queue_messages(
        messages=[
            message
            for invitation in invitations
            for message in update_messages(
                invitation=invitation,
                answer_url=answer_url(secrets[invitation.pk]),
                changes=[line],
                sessions=snapshot.sessions,
                language=language,
                snapshot=snapshot,
            )
        ],
        kind=Kind.UPDATE,
        topic=f"meeting:{meeting.pk}",
    )


def open_offer(*, invitation: Invitation) -> SeatOffer | None:
    """The seat offer this invitee may take now, if any (for their answer page)."""
    return (
        SeatOffer.objects.filter(
            invitation=invitation, state=SeatOffer.State.OPEN, expires_at__gt=timezone.now()
        )
        .order_by("-offered_at")
        .first()
    )


@transaction.atomic
def take_seat(*, invitation: Invitation) -> Invitation:
    """The invitee takes the seat offered to them (a POST through their own answer link): they
    will attend. SeatOfferClosed when there is no open offer before its deadline, or the meeting
    is no longer published; nothing changes then."""
    meeting = Meeting.objects.select_for_update().get(pk=invitation.meeting_id)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    now = timezone.now()
    offer = (
        SeatOffer.objects.select_for_update()
        .filter(invitation=invitation, state=SeatOffer.State.OPEN, expires_at__gt=now)
        .first()
    )
    if offer is None or meeting.state != Meeting.State.PUBLISHED or invitation.withdrawn_at:
        raise SeatOfferClosed
    invitation.answer, invitation.answered_at, invitation.waitlisted_at = Answer.YES, now, None
    invitation.save(update_fields=["answer", "answered_at", "waitlisted_at"])
    offer.state, offer.closed_at = SeatOffer.State.TAKEN, now
    offer.save(update_fields=["state", "closed_at"])
    return invitation


# --- From beat -----------------------------------------------------------------------------------


def expire_seat_offers(*, limit: int = 200) -> list[int]:
    """Close every open offer past its deadline (one UPDATE), and return the meetings that owe
    offers: published, not begun, with people waiting who were never offered a seat and fewer
    seats held than their capacity (one query, at most `limit`). The caller hands each to
    Celery (tasks.offer_free_seats), which calls seat_freed with the meeting locked; a meeting
    whose task the broker lost is found again at the next run."""
    now = timezone.now()
    SeatOffer.objects.filter(state=SeatOffer.State.OPEN, expires_at__lte=now).update(
        state=SeatOffer.State.EXPIRED, closed_at=now
    )
    return list(meetings_owing_offers(now=now).values_list("pk", flat=True)[:limit])


def meetings_owing_offers(*, now: datetime):
    never_offered = Invitation.objects.filter(
        meeting=OuterRef("pk"), answer=Answer.WAITLISTED, withdrawn_at__isnull=True
    ).exclude(Exists(SeatOffer.objects.filter(invitation=OuterRef("pk"))))
    attending = _count(
        Invitation.objects.filter(
            meeting=OuterRef("pk"), answer=Answer.YES, withdrawn_at__isnull=True
        )
    )
    offered = _count(SeatOffer.objects.filter(meeting=OuterRef("pk"), state=SeatOffer.State.OPEN))
    return (
        Meeting.objects.filter(state=Meeting.State.PUBLISHED)
        .filter(Exists(never_offered))
        .annotate(first_start=of_sessions(Min("starts_at")), held=attending + offered)
        .filter(Q(first_start__isnull=True) | Q(first_start__gt=now))
        .filter(Q(capacity__isnull=True) | Q(held__lt=F("capacity")))
        .order_by("pk")
    )


def _count(rows):
    counted = rows.order_by().values("meeting").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
