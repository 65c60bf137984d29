"""Approval of the minutes (a new version, frozen as the notulen record) and the correction
that opens them again; both audited."""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.downloads import NOT_MADE
from members.models import User
from members.validators import Employment, validate_nip

from ..models import Minutes, MinutesRevision
from ..permissions import can_approve_minutes, can_write_minutes
from .minutes import minutes_content
from .minutes_rules import (
    LOCKED,
    MinutesError,
    MinutesInvalid,
    MinutesStateError,
    State,
    locked_minutes,
    require_allowed,
)
from .notulen import freeze_notulen

log = logging.getLogger(__name__)


@transaction.atomic
def approve_minutes(
    *,
    minutes: Minutes,
    approver_name: str,
    approver_nip: str,
    by: User | None,
    approved_on: date | None = None,
) -> Minutes:
    """DRAFT or IN_REVIEW → APPROVED, by the chair or an organizer: the name (required) and NIP
    (18 digits, checked like any NIP when given) printed on the signed document and the date
    (today unless `approved_on`, not in the future). The version grows by one and the text
    then is kept as a revision marked with it; from now on the minutes are locked."""
    minutes = locked_minutes(minutes)
    meeting = minutes.meeting
    require_allowed(
        can_approve_minutes(by, meeting),
        _("Only the chair or an organizer of this meeting may approve the minutes."),
    )
    if minutes.state in LOCKED:
        raise MinutesStateError(_("These minutes are already approved."))
    name = " ".join((approver_name or "").split())
    if not name:
        raise MinutesInvalid(_("Enter the name of the person approving the minutes."))
    if len(name) > 200:
        raise MinutesInvalid(_("The name is too long."))
    nip = "".join((approver_nip or "").split())
    if nip:
        chair = meeting.chair
        employment = chair.employment if chair and chair.nip == nip else Employment.PNS
        try:
            validate_nip(nip, employment)
        except ValidationError as error:
            raise MinutesInvalid(" ".join(error.messages)) from None
    now = timezone.now()
    approved_at = now
    if approved_on is not None:
        zone = ZoneInfo(meeting.time_zone)
        today = now.astimezone(zone).date()
        if approved_on > today:
            raise MinutesInvalid(_("The approval date cannot be in the future."))
        if approved_on != today:
            approved_at = datetime.combine(approved_on, time(12), tzinfo=zone)
    before_state = minutes.state
    minutes.state = State.APPROVED
    minutes.version += 1
    minutes.approved_at = approved_at
    minutes.approved_by = by
    minutes.approver_name, minutes.approver_nip = name, nip
    reason, minutes.correction_reason = minutes.correction_reason, ""
    minutes.save()
    content = minutes_content(minutes)
    content["decisions"] = [
        {"number": decision.number, "text": decision.text}
        for decision in meeting.decisions.order_by("number")
    ]
    content["approver"] = {"name": name, "nip": nip}
    # The record: frozen now, printing what was decided at approval (services/notulen.py).
    try:
        _document, content["record"] = freeze_notulen(minutes=minutes, by=by, reason=reason)
    except Exception as error:  # the renderer or the signer: logged; nothing is approved
        log.exception("Minutes %s could not be frozen", minutes.pk)
        raise MinutesError(NOT_MADE) from error
    MinutesRevision.objects.create(
        minutes=minutes, author=by, content=content, approved_version=minutes.version
    )
    _audit(
        minutes,
        by=by,
        action="minutes.approved",
        before={"state": before_state},
        after={
            "state": minutes.state,
            "version": minutes.version,
            "approver": name,
            "approver_nip": nip,
            "approved_at": minutes.approved_at.isoformat(),
        },
        reason=reason,
    )
    log.info("Minutes %s approved as version %d by %s", minutes.pk, minutes.version, by)
    return minutes


@transaction.atomic
def start_correction(*, minutes: Minutes, by: User | None, reason: str = "") -> Minutes:
    """APPROVED or DISTRIBUTED → DRAFT, keeping the version number: the text can be changed
    again, and the next approval makes the next version, whose distribution tells the
    recipients it is a correction. `reason` is the correction's, kept until then for the next
    frozen version (its frozen versions stay as they are)."""
    minutes = locked_minutes(minutes)
    meeting = minutes.meeting
    require_allowed(can_write_minutes(by, meeting) or can_approve_minutes(by, meeting))
    if minutes.state not in LOCKED:
        raise MinutesStateError(_("Only approved minutes can be corrected."))
    before_state = minutes.state
    minutes.state = State.DRAFT
    minutes.correction_reason = " ".join((reason or "").split())[:500]
    minutes.save(update_fields=["state", "correction_reason", "updated_at"])
    _audit(
        minutes,
        by=by,
        action="minutes.correction_started",
        before={"state": before_state, "version": minutes.version},
        after={"state": minutes.state},
        reason=minutes.correction_reason,
    )
    log.info("Correction of minutes %s (version %d) started by %s", minutes.pk, minutes.version, by)
    return minutes


def _audit(minutes: Minutes, *, by: User | None, action: str, before, after, reason="") -> None:
    from records.services import record_change

    record_change(
        actor=by,
        meeting=minutes.meeting,
        obj=minutes,
        action=action,
        before=before,
        after=after,
        reason=reason,
    )
