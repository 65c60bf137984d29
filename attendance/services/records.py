"""Excuses (izin): the organizer records that an invitee is excused from a session. What each
invitee was at each session (present, excused, represented, absent) is read by
attendance.selectors.with_attendance_status. Recording, changing and taking back an excuse
are in the meeting's audit trail."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.errors import Refused
from events.models import Invitation, Session
from members.models import User

from ..models import CheckIn, Excuse

REASON_MAX_LENGTH = 300


class ExcuseInvalid(Refused):
    message = _("An excuse needs a reason.")


@transaction.atomic
def record_excuse(
    *, invitation: Invitation, session: Session, reason: str, recorded_by: User | None
) -> Excuse:
    """Record (or change the reason of) an invitee's excuse for one session of their meeting.
    Refused with ExcuseInvalid for an empty or over-long reason, another meeting's session,
    a withdrawn invitation, or someone already checked in to that session."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ExcuseInvalid
    if len(reason) > REASON_MAX_LENGTH:
        raise ExcuseInvalid(
            _("Keep the reason under %(count)d characters.") % {"count": REASON_MAX_LENGTH}
        )
    if invitation.meeting_id != session.meeting_id or invitation.withdrawn_at is not None:
        raise ExcuseInvalid(_("This person is not invited to this session."))
    if CheckIn.objects.filter(invitation=invitation, session=session).exists():
        raise ExcuseInvalid(_("This person is checked in to this session."))
    before = (
        Excuse.objects.select_for_update()
        .filter(invitation=invitation, session=session)
        .values_list("reason", flat=True)
        .first()
    )
    excuse, _created = Excuse.objects.update_or_create(
        invitation=invitation,
        session=session,
        defaults={"reason": reason, "recorded_by": recorded_by},
    )
    if before != reason:
        _audit(
            excuse,
            by=recorded_by,
            action="attendance.excused",
            before=None if before is None else {"excused": True, "reason": before},
            after={"excused": True, "reason": reason},
        )
    return excuse


@transaction.atomic
def remove_excuse(*, excuse: Excuse, removed_by: User | None = None) -> None:
    """Take an excuse back: the invitee is absent again (or present, if checked in)."""
    excuse = Excuse.objects.select_related("invitation__member", "session__meeting").get(
        pk=excuse.pk
    )
    Excuse.objects.filter(pk=excuse.pk).delete()
    _audit(
        excuse,
        by=removed_by,
        action="attendance.excuse_removed",
        before={"excused": True, "reason": excuse.reason},
        after=None,
    )


def _audit(excuse: Excuse, *, by: User | None, action: str, before, after) -> None:
    from records.services import record_change

    person = {
        "person": excuse.invitation.member.full_name,
        "session": excuse.session.title,
    }
    record_change(
        actor=by,
        meeting=excuse.session.meeting,
        obj=excuse.invitation,
        action=action,
        before=None if before is None else {**person, **before},
        after=None if after is None else {**person, **after},
    )
