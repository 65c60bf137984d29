"""Online attendance of online and hybrid meetings: the participant reports of Zoom, Google
Meet and Microsoft Teams (the invitee's own "Join and check in" is online_checkin.py).

The rules kept here:
- one CheckIn per person and session, as everywhere: someone who checks in online or whom a
  report makes present gets a check-in with method "online"; someone already checked in (in the
  room) keeps that check-in and gains the online evidence (OnlineAttendance) beside it;
- online check-in is the invitee's own answer link, a POST, during the session's check-in
  window (session_hours.is_open), on an online or hybrid meeting, for an invitation the desk
  would not refuse; every attempt is audited as a ScanAttempt;
- a report is read and previewed before anything is written; a broken file, another
  platform's report or one without readable rows writes nothing, not even the file;
- a person's time online is the union of their join–leave intervals over every report of the
  session: a rejoin adds its own time, two devices or the same report twice add nothing, and the
  same file imported twice is refused;
- a person counts as present online when their minutes reach the meeting's threshold
  (SheetSettings.online_threshold_minutes; half the session when not set);
- the uploaded report is kept, as the evidence of whom it made present.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import format_moment
from core.text import one_line
from events.models import Invitation, Meeting, Session
from members.models import Agency, Member

from ..models import (
    REFUSED_ANSWERS,
    CheckIn,
    OnlineAttendance,
    OnlineReport,
    SheetSettings,
)
from ..online.people import Directory, Invitee, Participant, minutes_of, participants, union
from ..online.platforms import FIELD_LABELS, PLATFORMS, Parsed, ReportError, read_report
from .session_hours import OPENS_BEFORE

MAX_REPORT_BYTES = 10 * 1024 * 1024

__all__ = ["ReportError"]


# --- The threshold ----------------------------------------------------------------------------


def threshold_minutes(session: Session, settings: SheetSettings | None) -> int:
    """The minutes online that make someone present at `session`: the meeting's setting, else
    half the session."""
    if settings is not None and settings.online_threshold_minutes:
        return settings.online_threshold_minutes
    return max(1, int((session.ends_at - session.starts_at).total_seconds() // 120))


@transaction.atomic
def save_online_threshold(*, meeting: Meeting, minutes: int | None, by) -> SheetSettings:
    """Set (or clear, with None) the meeting's threshold; audited. Imports made before keep
    whom they made present; the next import of a session applies the new threshold."""
    from records.services import record_change

    settings, _created = SheetSettings.objects.select_for_update().get_or_create(meeting=meeting)
    before = settings.online_threshold_minutes
    if before != minutes:
        settings.online_threshold_minutes = minutes
        settings.save(update_fields=["online_threshold_minutes"])
        record_change(
            actor=by,
            meeting=meeting,
            obj=settings,
            action="online.threshold_changed",
            before={"online_threshold_minutes": before},
            after={"online_threshold_minutes": minutes},
        )
    return settings


# --- Reports: upload, preview, import ---------------------------------------------------------


class ReportRefused(ReportError):
    pass


def _read(report: OnlineReport, data: bytes, session: Session) -> Parsed:
    zone = session.meeting.time_zone
    day = timezone.localtime(session.starts_at, timezone=_zone(zone)).date()
    parsed = read_report(
        data=data,
        filename=report.filename,
        platform=report.platform or None,
        zone=zone,
        day=day,
        mapping=report.mapping or None,
    )
    if parsed.reading is not None and parsed.reading.stays:
        _refuse_another_sessions_report(parsed.reading.stays, session)
    return parsed


def _refuse_another_sessions_report(stays: list, session: Session) -> None:
    """A report none of whose stays meets the session (from its check-in window's opening
    to as long after its end) is another day's or session's: ReportRefused, naming both, so
    that nobody is made present at a session they did not attend."""
    opens, closes = session.starts_at - OPENS_BEFORE, session.ends_at + OPENS_BEFORE
    if any(stay.start < closes and stay.end > opens for stay in stays):
        return
    zone = session.meeting.time_zone
    raise ReportRefused(
        _(
            "This report is of another time (%(first)s to %(last)s) than the session "
            "%(session)s (%(when)s): upload it for its own session."
        )
        % {
            "first": format_moment(min(stay.start for stay in stays), zone),
            "last": format_moment(max(stay.end for stay in stays), zone),
            "session": session.title,
            "when": format_moment(session.starts_at, zone),
        }
    )


def _zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _already_imported(session: Session, digest: str) -> OnlineReport | None:
    return OnlineReport.objects.filter(
        session=session, sha256=digest, state=OnlineReport.State.IMPORTED
    ).first()


def upload_report(
    *, session: Session, platform: str | None, filename: str, data: bytes, by
) -> OnlineReport:
    """Keep an uploaded report as a draft to preview, once it reads as `platform`'s report
    (None: recognised from its columns). ReportError, and nothing kept, for a broken file,
    another platform's report, one already imported for this session or one too large."""
    if len(data) > MAX_REPORT_BYTES:
        raise ReportRefused(_("The report is larger than 10 MB."))
    digest = hashlib.sha256(data).hexdigest()
    done = _already_imported(session, digest)
    if done is not None:
        raise ReportRefused(
            _("This report was imported on %(when)s; importing it again would change nothing.")
            % {
                "when": format_moment(
                    done.imported_at or done.uploaded_at, session.meeting.time_zone
                )
            }
        )
    draft = OnlineReport(
        meeting_id=session.meeting_id,
        session=session,
        platform=platform or "",
        filename=filename[:255],
        sha256=digest,
        uploaded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    parsed = _read(draft, data, session)  # raises ReportError: nothing is written
    draft.platform = parsed.platform.code
    draft.rows = len(parsed.reading.stays) if parsed.reading else 0
    draft.file.save(f"{digest}", ContentFile(data), save=False)
    draft.save()
    return draft


@dataclass
class Line:
    """A person of the report, in the preview."""

    key: str
    name: str
    email: str
    minutes: int
    reached: bool
    rows: int
    intervals: list = field(default_factory=list)
    invitee: Invitee | None = None
    candidates: list[Invitee] = field(default_factory=list)


@dataclass
class Preview:
    report: OnlineReport
    threshold: int
    headers: list[str] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (field, label) to map by hand
    matched: list[Line] = field(default_factory=list)
    ambiguous: list[Line] = field(default_factory=list)
    unknown: list[Line] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "matched": len(self.matched),
            "ambiguous": len(self.ambiguous),
            "unknown": len(self.unknown),
        }


def directory(session: Session) -> Directory:
    """The meeting's standing invitations as matching needs them; one query."""
    rows = (
        Invitation.objects.filter(meeting_id=session.meeting_id, withdrawn_at__isnull=True)
        .order_by("pk")
        .values_list(
            "pk", "member__full_name", "member__email", "member__nip", "member__agency__name"
        )
    )
    return Directory(
        [
            Invitee(
                invitation_id=pk, name=name, email=email or "", nip=nip or "", agency=agency or ""
            )
            for pk, name, email, nip, agency in rows
        ]
    )


def preview_report(*, report: OnlineReport, data: bytes | None = None) -> Preview:
    """What importing `report` would do, writing nothing: each person matched to one
    invitation, ambiguous (several to choose from) or unknown, with their minutes and whether
    they reach the threshold; or, when a required column is not recognised, the file's headers
    for the organizer to map."""
    session = report.session
    settings = SheetSettings.objects.filter(meeting_id=session.meeting_id).first()
    threshold = threshold_minutes(session, settings)
    if data is None:
        if not report.file:
            raise ReportRefused(
                _("The file of this report was deleted after its retention period.")
            )
        with report.file.open("rb") as stored:
            data = stored.read()
    parsed = _read(report, data, session)
    preview = Preview(report=report, threshold=threshold, headers=parsed.table.headers)
    if parsed.reading is None:
        preview.missing = [(name, str(FIELD_LABELS[name])) for name in parsed.table.missing]
        return preview
    preview.skipped = parsed.reading.skipped
    people = participants(parsed.reading.stays)
    found = directory(session)
    by_invitation: dict[int, Line] = {}
    for person in people:
        candidates = found.candidates(person)
        if len(candidates) == 1:
            invitee = candidates[0]
            line = by_invitation.get(invitee.invitation_id)
            if line is None:
                line = by_invitation[invitee.invitation_id] = _line(person, threshold)
                line.invitee = invitee
                preview.matched.append(line)
            else:  # another row of the same person (a phone without the account's email)
                line.intervals = union(line.intervals + person.intervals)
                line.minutes = minutes_of(line.intervals)
                line.reached = line.minutes >= threshold
                line.rows += person.rows
        elif candidates:
            line = _line(person, threshold)
            line.candidates = candidates
            preview.ambiguous.append(line)
        else:
            preview.unknown.append(_line(person, threshold))
    return preview


def _line(person: Participant, threshold: int) -> Line:
    return Line(
        key=person.key,
        name=person.name,
        email=person.email,
        minutes=person.minutes,
        reached=person.minutes >= threshold,
        rows=person.rows,
        intervals=list(person.intervals),
    )


@transaction.atomic
def map_report_columns(*, report: OnlineReport, mapping: dict[str, str]) -> OnlineReport:
    """Remember which of the file's columns holds which field, for a report whose headers are
    not among the known ones; ReportError, and nothing kept, when the mapping names a column the
    file lacks or the report, read with it, is of another time than its session."""
    headers = {" ".join(h.casefold().split()) for h in preview_report(report=report).headers}
    clean = {name: value for name, value in mapping.items() if name in FIELD_LABELS and value}
    for value in clean.values():
        if " ".join(value.casefold().split()) not in headers:
            raise ReportRefused(_("The report has no column named %(name)s.") % {"name": value})
    report.mapping = clean
    with report.file.open("rb") as stored:
        _read(report, stored.read(), report.session)  # another day's report: ReportRefused
    report.save(update_fields=["mapping"])
    return report


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
    if _already_imported(session, report.sha256) is not None:
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
        if len(line.email) > Member._meta.get_field("email").max_length:
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


def record_report_download(*, report: OnlineReport, user) -> None:
    """A report holds personal data: who downloaded it, and when, is in the audit trail."""
    from records.services import record_change

    record_change(
        actor=user,
        meeting=report.meeting,
        obj=report,
        action="online_report.downloaded",
        before=None,
        after={"report": report.pk, "file": report.filename},
    )


@transaction.atomic
def discard_report(*, report: OnlineReport) -> None:
    """Forget a draft (its file too); an imported report is evidence and stays."""
    report = OnlineReport.objects.select_for_update().get(pk=report.pk)
    if report.state != OnlineReport.State.DRAFT:
        raise ImportRefused(_("An imported report is kept as evidence."))
    report.file.delete(save=False)
    report.delete()


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
        parsed = _read(draft, data, session)
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
