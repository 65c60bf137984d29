"""Importing a previewed participant report (online_reports.py) into a session's online
attendance.

The rules kept here:
- one CheckIn per person and session, as everywhere: someone whom a report makes present gets
  a check-in with method "online"; someone already checked in (in the room) keeps that
  check-in and gains the online evidence (OnlineAttendance) beside it;
- a person's time online is the union of their join–leave intervals over every report of the
  session: a rejoin adds its own time, two devices or the same report twice add nothing;
- a person counts as present online when their minutes reach the meeting's threshold
  (online_threshold.py); whom the desk refuses (REFUSED_ANSWERS) keep the evidence only;
- someone the report names without an invitation is added only by the organizer's choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import one_line
from events.models import Invitation, Session
from members.models import Agency, Member

from ..models import REFUSED_ANSWERS, CheckIn, OnlineAttendance, OnlineReport
from ..online.people import minutes_of, union
from ..online.platforms import PLATFORMS, ReportError
from .online_reports import (
    Line,
    Preview,
    already_imported,
    preview_report,
    read_for_session,
    upload_report,
)


@dataclass(frozen=True)
class UnknownChoice:
    """An unknown participant the organizer adds, as tanpa undangan, with their agency."""

    agency_id: int


@dataclass
class ImportResult:
    report: OnlineReport
    matched: int = 0
    ambiguous: int = 0
    unknown: int = 0
    added: int = 0
    present: int = 0  # new online check-ins
    evidence: int = 0  # people already checked in (the room) who gained online evidence


class ImportRefused(ReportError):
    pass


@transaction.atomic
def import_report(
    *,
    report: OnlineReport,
    chosen: dict[str, int] | None = None,
    added: dict[str, UnknownChoice] | None = None,
    by=None,
) -> ImportResult:
    """Merge the report's people into the session's online attendance. `chosen` gives, for an
    ambiguous participant's key, the invitation the organizer chose; `added`, for an unknown
    participant's key, the agency to add them with (a member, when none has their email, and an
    accepted invitation: tanpa undangan). Everyone else ambiguous or unknown is left out.

    Per invitation: intervals united with what earlier reports gave, minutes and whether they
    reach the threshold; a check-in "online" at their first join for those who reach it and have
    none, unless their answer is one the desk refuses (REFUSED_ANSWERS). A fixed number of
    queries whatever the report's size (plus two per person added)."""
    from records.services import record_change

    chosen, added = chosen or {}, added or {}
    session = (
        Session.objects.select_for_update().select_related("meeting").get(pk=report.session_id)
    )
    report = OnlineReport.objects.select_for_update().get(pk=report.pk)
    if report.state == OnlineReport.State.IMPORTED:
        raise ImportRefused(_("This report has been imported already."))
    if already_imported(session, report.sha256) is not None:
        raise ImportRefused(_("The same report has been imported for this session already."))
    report.session = session
    preview = preview_report(report=report)
    if preview.missing:
        raise ImportRefused(_("Map the report's columns first."))
    result = ImportResult(
        report=report,
        ambiguous=len(preview.ambiguous),
        unknown=len(preview.unknown),
    )
    people: dict[int, tuple[list, bool]] = {}

    def take(invitation_id: int, line: Line, uninvited: bool = False) -> None:
        intervals, was_uninvited = people.get(invitation_id, ([], False))
        people[invitation_id] = (union(intervals + line.intervals), was_uninvited or uninvited)

    for line in preview.matched:
        assert line.invitee is not None  # matched lines have theirs
        take(line.invitee.invitation_id, line)
    for line in preview.ambiguous:
        wanted = chosen.get(line.key)
        if wanted in {c.invitation_id for c in line.candidates}:
            take(wanted, line)
    for line in preview.unknown:
        choice = added.get(line.key)
        if choice is not None:
            take(
                _invite_guest(session=session, line=line, agency_id=choice.agency_id, by=by),
                line,
                True,
            )
            result.added += 1
    result.matched = len(people)
    threshold = preview.threshold
    now = timezone.now()
    existing = {
        row.invitation_id: row
        for row in OnlineAttendance.objects.filter(session=session, invitation_id__in=list(people))
    }
    new_rows, changed = [], []
    for invitation_id, (intervals, uninvited) in people.items():
        row = existing.get(invitation_id)
        before = _intervals(row.intervals) if row else []
        merged = union(before + intervals)
        minutes = minutes_of(merged)
        if row is None:
            row = OnlineAttendance(invitation_id=invitation_id, session=session)
            new_rows.append(row)
        elif merged == before and (row.reached or minutes < threshold):
            continue
        else:
            changed.append(row)
        row.intervals = [[a.isoformat(), b.isoformat()] for a, b in merged]
        row.minutes = minutes
        # Once reached, reached: a threshold raised since applies to this import's people, and
        # does not take back what an earlier import gave (save_online_threshold).
        row.reached = row.reached or minutes >= threshold
        row.uninvited = row.uninvited or uninvited
        row.updated_at = now
    OnlineAttendance.objects.bulk_create(new_rows)
    OnlineAttendance.objects.bulk_update(
        changed, ["intervals", "minutes", "reached", "uninvited", "updated_at"]
    )
    rows = list(
        OnlineAttendance.objects.filter(session=session, invitation_id__in=list(people)).only(
            "pk", "invitation_id", "reached", "intervals"
        )
    )
    Through = OnlineAttendance.reports.through
    Through.objects.bulk_create(
        [Through(onlineattendance_id=row.pk, onlinereport_id=report.pk) for row in rows],
        ignore_conflicts=True,
    )
    checked_in = set(
        CheckIn.objects.filter(session=session, invitation_id__in=list(people)).values_list(
            "invitation_id", flat=True
        )
    )
    # Whom the desk and the join button refuse (declined, represented: their representative is
    # the one present; waiting for a seat) keep the evidence but are not made present.
    refused = set(
        Invitation.objects.filter(pk__in=list(people), answer__in=REFUSED_ANSWERS).values_list(
            "pk", flat=True
        )
    )
    label = PLATFORMS[report.platform].label
    new_checkins = [
        CheckIn(
            invitation_id=row.invitation_id,
            session=session,
            at=datetime.fromisoformat(row.intervals[0][0]),
            method=CheckIn.Method.ONLINE,
            operator=by if getattr(by, "is_authenticated", False) else None,
            operator_name=_("%(platform)s report") % {"platform": label},
        )
        for row in rows
        if row.reached and row.invitation_id not in checked_in | refused
    ]
    CheckIn.objects.bulk_create(new_checkins, ignore_conflicts=True)
    result.present = len(new_checkins)
    result.evidence = sum(1 for row in rows if row.reached and row.invitation_id in checked_in)
    report.state = OnlineReport.State.IMPORTED
    report.matched = result.matched
    report.rows = sum(line.rows for line in preview.matched + preview.ambiguous + preview.unknown)
    report.imported_at = now
    report.save(update_fields=["state", "matched", "rows", "imported_at"])
    record_change(
        actor=by,
        meeting=session.meeting,
        obj=report,
        action="online_report.imported",
        before=None,
        after={
            "session": session.pk,
            "platform": report.platform,
            "file": report.filename,
            "sha256": report.sha256,
            "matched": result.matched,
            "checked_in": result.present,
            "added": result.added,
        },
    )
    return result


def _intervals(raw: list) -> list:
    return [(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in raw]


def _invite_guest(*, session: Session, line: Line, agency_id: int, by) -> int:
    """The invitation of someone the report named without an invitation: the member with their
    email, else a new one in the chosen agency; accepted (they took part). Refused for someone
    who asked Rakor to stop processing their data (personal_data)."""
    from personal_data.services.rights import processing_stopped

    # Entered from a file: one line, no control characters, within the fields (core.text).
    name = one_line(line.name.split("(")[0]) or one_line(line.name)
    name = name[: Member._meta.get_field("full_name").max_length]
    if not line.email:
        raise ImportRefused(
            _("%(name)s has no email in the report: invite them from the invitations page.")
            % {"name": name}
        )
    try:
        validate_email(line.email)
        longest = Member._meta.get_field("email").max_length
        if longest is not None and len(line.email) > longest:
            raise ValidationError("too long")
    except ValidationError:
        raise ImportRefused(
            _(
                "The email of %(name)s in the report is not a valid address: invite them from "
                "the invitations page."
            )
            % {"name": name}
        ) from None
    member = Member.objects.filter(email__iexact=line.email).first()
    if member is not None and processing_stopped([member.pk]):
        raise ImportRefused(
            _("%(name)s asked Rakor to stop processing their data: they cannot be added.")
            % {"name": name}
        )
    if member is None:
        agency = Agency.objects.filter(pk=agency_id).first()
        if agency is None:
            raise ImportRefused(_("Choose the agency of %(name)s.") % {"name": name})
        member = Member.objects.create(full_name=name, email=line.email, agency=agency)
    invitation, _created = Invitation.objects.get_or_create(
        meeting_id=session.meeting_id,
        member=member,
        defaults={
            "answer": Invitation.Answer.YES,
            "answered_at": timezone.now(),
            "invited_by": by if getattr(by, "is_authenticated", False) else None,
        },
    )
    if invitation.withdrawn_at is not None:
        raise ImportRefused(
            _("The invitation of %(name)s was withdrawn: invite them again first.")
            % {"name": member.full_name}
        )
    return invitation.pk


def import_file(
    *, session: Session, filename: str, data: bytes, platform: str | None, dry_run: bool, by=None
) -> tuple[Preview, ImportResult | None]:
    """The command line's import: read, preview, and unless `dry_run` import (the matched
    people only: ambiguous and unknown ones need an organizer's choice on the page). A dry run
    writes nothing."""
    if dry_run:
        draft = OnlineReport(
            meeting_id=session.meeting_id,
            session=session,
            platform=platform or "",
            filename=filename,
        )
        parsed = read_for_session(draft, data, session)
        draft.platform = parsed.platform.code
        return preview_report(report=draft, data=data), None
    with transaction.atomic():
        report = upload_report(
            session=session, platform=platform, filename=filename, data=data, by=by
        )
        preview = preview_report(report=report, data=data)
        if preview.missing:
            raise ImportRefused(
                _("Columns not recognised: %(fields)s. Map them on the report's page.")
                % {"fields": ", ".join(label for _name, label in preview.missing)}
            )
        return preview, import_report(report=report, by=by)
