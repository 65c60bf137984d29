"""What a scan answers and what it writes to the audit (checkin.py decides which): the
operator's answer (ScanResult), the scan as its audit entry records it (Attempt), the refusals
and the answer an offline upload repeated gets."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from attendance.models import REFUSED_ANSWERS, CheckIn, ScanAttempt
from core.dates import format_time
from events.models import Invitation

from .scan_reads import Desk, Holder
from .scan_writes import add_attempt

Result = ScanAttempt.Result


class Person(TypedDict, total=False):
    """Who a ticket belongs to, as an answer names them (nobody: empty)."""

    name: str
    agency: str
    position: str
    session: str


@dataclass
class ScanResult:
    """What the scanner shows: the status (a ScanAttempt.Result value), a sentence for the
    operator and, when the ticket is known, who it belongs to."""

    status: str
    detail: str = ""
    name: str = ""
    agency: str = ""
    position: str = ""
    session: str = ""
    checked_in_at: str = ""  # "08.12 WIB", in the meeting's zone
    checked_in_by: str = ""
    checkin_id: int | None = None

    def as_json(self) -> dict:
        return dict(vars(self))


class Replayed(Exception):
    """The audit already holds an answer to this scan's nonce: it was uploaded before."""


@dataclass
class Attempt:
    """One scan or tap at a desk, as its audit entry records it."""

    desk: Desk
    scanned_at: datetime
    content_preview: str = ""
    nonce: str = ""

    def person(self, holder: Holder) -> Person:
        """Who the ticket belongs to, as the answer names them."""
        return {
            "name": holder.full_name,
            "agency": holder.agency or "",
            "position": holder.position,
            "session": self.desk.session_title,
        }

    def record(self, result: ScanResult, invitation_id: int | None = None, atomic=True) -> None:
        """Write the audit entry. Raises Replayed when an entry of this scan's nonce is there
        already (the unique "one_answer_per_upload"); then nothing is written. With `atomic`
        False the caller's transaction is the one that rolls back."""

        def add() -> None:
            add_attempt(
                desk=self.desk,
                invitation_id=invitation_id,
                scanned_at=self.scanned_at,
                content_preview=self.content_preview,
                nonce=self.nonce,
                result=result.status,
                detail=result.detail[:300],
            )

        if not self.nonce or result.status == Result.RATE_LIMITED:
            add()
            return
        # A refused INSERT undoes only itself in autocommit mode; in a transaction it needs a
        # savepoint of its own, unless the caller's transaction is the one to roll back.
        alone = atomic and not transaction.get_autocommit()
        try:
            with transaction.atomic() if alone else nullcontext():
                add()
        except IntegrityError:
            raise Replayed from None


def refusal(*, same_meeting: bool, withdrawn: bool, answer: str) -> tuple[str, str] | None:
    """Why this invitation does not check in here, as (result, sentence), or None when it
    does: the first of another meeting's ticket, a withdrawn invitation, a refused answer."""
    if not same_meeting:
        return Result.OTHER_MEETING, _("This ticket is for another meeting.")
    if withdrawn:
        return Result.DECLINED, _("This invitation was withdrawn.")
    if answer in REFUSED_ANSWERS:
        reasons: dict[str, str] = {
            Invitation.Answer.NO: _("This person declined the invitation."),
            Invitation.Answer.REPRESENTED: _("This person sent a representative."),
            Invitation.Answer.WAITLISTED: _("This person is on the waiting list."),
        }
        return Result.DECLINED, reasons[answer]
    return None


def refuse(
    attempt: Attempt, status, detail, *, invitation_id=None, person: Person | None = None
) -> ScanResult:
    """The answer to a scan that checks nobody in, audited."""
    result = ScanResult(status=status, detail=str(detail), **(person or {}))
    attempt.record(result, invitation_id)
    return result


def answer(status, checkin_id, at, by, person: Person, time_zone: str) -> ScanResult:
    """OK or "already", naming the check-in: when (in the meeting's zone) and by whom."""
    result = ScanResult(
        status=status,
        checked_in_at=format_time(at, time_zone),
        checked_in_by=by,
        checkin_id=checkin_id,
        **person,
    )
    if status == Result.ALREADY:
        result.detail = _("Already checked in at %(at)s by %(by)s.") % {
            "at": result.checked_in_at,
            "by": by or "-",
        }
    return result


def earlier_upload(*, desk: Desk, nonce: str) -> ScanResult:
    """The answer given to the first upload of this offline scan (the audit holds it). A
    rate-limited upload was never looked at: trying it again is a new scan. A check-in made
    then and undone since is answered as undone: the person is not checked in."""
    attempt = (
        ScanAttempt.objects.select_related("invitation__member__agency", "session")
        .exclude(result=Result.RATE_LIMITED)
        .get(meeting_id=desk.meeting_id, nonce=nonce)
    )
    title = attempt.session.title if attempt.session else ""
    who: Person = {}
    if attempt.invitation:
        member = attempt.invitation.member
        who = {
            "name": member.full_name,
            "agency": member.agency.name,
            "position": member.position,
            "session": title,
        }
    checkin = None
    if (
        attempt.result in (Result.OK, Result.ALREADY)
        and attempt.invitation_id is not None
        and attempt.session_id is not None
    ):
        checkin = CheckIn.objects.filter(
            invitation_id=attempt.invitation_id, session_id=attempt.session_id
        ).first()
    if checkin is not None:
        return answer(
            attempt.result, checkin.pk, checkin.at, checkin.operator_name, who, desk.time_zone
        )
    if attempt.result in (Result.OK, Result.ALREADY):
        return ScanResult(
            status=Result.UNDONE,
            detail=_(
                "The check-in from this scan has been undone; scan again if the person is here."
            ),
            **who,
        )
    return ScanResult(status=attempt.result, detail=attempt.detail, **who)
