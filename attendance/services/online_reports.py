"""The participant reports of Zoom, Google Meet and Microsoft Teams, before they are imported:
upload, preview, mapping of unknown columns, discarding a draft, and the audited download
(importing one is online_import.py; the invitee's own "Join and check in" online_checkin.py).

The rules kept here:
- a report is read and previewed before anything is written; a broken file, another
  platform's report, one of another time than its session or one without readable rows writes
  nothing, not even the file;
- the same file imported twice for a session is refused;
- the uploaded report is kept, as the evidence of whom it made present; who downloads it is
  in the audit trail.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import format_moment
from events.models import Invitation, Session

from ..models import OnlineReport, SheetSettings
from ..online.people import Directory, Invitee, Participant, minutes_of, participants, union
from ..online.platforms import FIELD_LABELS, Parsed, ReportError, read_report
from .online_threshold import threshold_minutes
from .session_hours import OPENS_BEFORE

MAX_REPORT_BYTES = 10 * 1024 * 1024

__all__ = ["ReportError"]


class ReportRefused(ReportError):
    pass


def read_for_session(report: OnlineReport, data: bytes, session: Session) -> Parsed:
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


def already_imported(session: Session, digest: str) -> OnlineReport | None:
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
    done = already_imported(session, digest)
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
    parsed = read_for_session(draft, data, session)  # raises ReportError: nothing is written
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
    parsed = read_for_session(report, data, session)
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
        read_for_session(
            report, stored.read(), report.session
        )  # another day's report: ReportRefused
    report.save(update_fields=["mapping"])
    return report


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
        raise ReportRefused(_("An imported report is kept as evidence."))
    report.file.delete(save=False)
    report.delete()
