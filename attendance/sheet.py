"""What a session's daftar hadir prints, fit for the accounts (SPJ): built here, laid out by
templates/attendance/daftar_hadir.html (attendance/pdf.py renders it).

The filled sheet lists everyone checked in to the session, grouped under their ministry or
agency (a unit of a ministry under the ministry, its name beside the person). Each row says how
and when the person checked in (QR at the desk, self check-in, by hand, walk-in, online) and when
they signed; a present person who has not signed is shown so. The Keterangan column says who a
representative stands in for (mewakili …), that a walk-in came without an invitation (tanpa
undangan), that someone attended online (daring) and that a signature came after signatures
closed, with the organizer who allowed it and the reason. A closed version marks the rows added
or signed since the version before it. The blank sheet (the paper fallback) lists those who
accepted, with every box empty, alternately left and right.
"""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Prefetch
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.dates import format_day, format_time, zone_label
from events.models import Invitation, Session
from members.letterhead import letterhead_for
from members.selectors import top_agencies

from .models import CheckIn, OnlineAttendance, OnlineReport, SheetSettings
from .services.signatures import sheet_settings

# The last rows that stay on the page of the certification, so it never stands alone.
ROWS_KEPT_WITH_CERTIFICATION = 3
BLANK_SPARE_ROWS = 5


def method_label(method: str) -> str:
    labels: dict[str, str] = {
        CheckIn.Method.SCAN: pgettext("check-in method", "QR at the desk"),
        CheckIn.Method.SELF: pgettext("check-in method", "Self check-in"),
        CheckIn.Method.MANUAL: pgettext("check-in method", "By hand"),
        CheckIn.Method.WALK_IN: pgettext("check-in method", "Walk-in"),
        CheckIn.Method.ONLINE: pgettext("check-in method", "Online"),
    }
    return labels.get(method, method)


@dataclass
class SheetRow:
    number: int
    name: str
    nip: str = ""
    position: str = ""
    unit: str = ""
    method: str = ""
    checked_in: str = ""  # "07.31"
    signed: str = ""  # "07.32", "" while unsigned
    signature: bytes | None = None
    signature_src: str = ""  # where the PDF's HTML finds the signature (attendance/pdf.py)
    # Online attendance, in place of a signature: "hadir daring — Zoom, 95 menit (report.csv)".
    evidence: str = ""
    notes: list[str] = field(default_factory=list)  # Keterangan
    late: bool = False  # signed after signatures closed, with an organizer's leave
    since_previous: bool = False  # added or signed after the previous closed version


@dataclass
class SheetLine:
    """One line of the table: a group heading (`group`) or a person (`row`)."""

    group: str = ""
    row: SheetRow | None = None


@dataclass
class SheetVersion:
    """What a closed version says about itself: its number and when the one before closed."""

    number: int = 0
    previous_closed_at: datetime | None = None


def _clock(moment: datetime | None, session: Session) -> str:
    """ "07.31", with the date when it is not the session's day."""
    if moment is None:
        return ""
    zone = ZoneInfo(session.meeting.time_zone)
    local = moment.astimezone(zone)
    if local.date() == session.starts_at.astimezone(zone).date():
        return f"{local:%H.%M}"
    return f"{date_format(local.date(), 'j/n/Y')} {local:%H.%M}"


def _unit(member, agency, top) -> str:
    if agency is not None and top is not None and agency.pk != top.pk:
        return agency.name
    return member.work_unit


def _after(moment: datetime | None, version: SheetVersion) -> bool:
    return bool(moment and version.previous_closed_at and moment > version.previous_closed_at)


def filled_rows(*, session: Session, version: SheetVersion | None = None) -> list[SheetLine]:
    """Everyone checked in to `session`, grouped by ministry or agency (by name), then by unit
    and name; someone present online has the evidence in place of a signature, and someone in
    the room with online evidence says so in the notes. Five queries (check-ins with people and
    late signatures, who each represents, online attendance and its reports, the agencies'
    parents) plus one per level of units."""
    version = version or SheetVersion()
    checkins = list(
        CheckIn.objects.filter(session=session)
        .select_related("invitation__member__agency", "late_signature")
        .prefetch_related(
            Prefetch(
                "invitation__represents",
                queryset=Invitation.objects.select_related("member").order_by("pk"),
            )
        )
    )
    tops = top_agencies({c.invitation.member.agency_id for c in checkins})
    online = online_evidence(session=session)
    entries = []
    for checkin in checkins:
        member = checkin.invitation.member
        evidence = online.get(checkin.invitation_id)
        top = tops.get(member.agency_id)
        notes = [
            _("on behalf of %(name)s") % {"name": represented.member.full_name}
            for represented in checkin.invitation.represents.all()
        ]
        if checkin.method == CheckIn.Method.WALK_IN or (evidence and evidence.uninvited):
            notes.append(_("without an invitation"))
        if checkin.method == CheckIn.Method.ONLINE:
            notes.append(pgettext("attendance", "online"))
        elif evidence is not None and evidence.reached:
            notes.append(_("also online: %(evidence)s") % {"evidence": _evidence_text(evidence)})
        late = getattr(checkin, "late_signature", None)
        if late is not None and checkin.signature is not None:
            notes.append(
                _("signed late, allowed by %(name)s on %(when)s: %(reason)s")
                % {
                    "name": late.allowed_by_name,
                    "when": _clock(late.allowed_at, session),
                    "reason": late.reason,
                }
            )
        signed_time = checkin.signed_time
        row = SheetRow(
            number=0,
            name=member.full_name,
            nip=member.nip,
            position=member.position,
            unit=_unit(member, member.agency, top),
            method=method_label(checkin.method),
            checked_in=_clock(checkin.at, session),
            signed=_clock(signed_time, session),
            signature=bytes(checkin.signature) if checkin.signature is not None else None,
            evidence=_online_row_evidence(checkin, evidence, session),
            notes=notes,
            late=late is not None and checkin.signature is not None,
            since_previous=_after(checkin.recorded_at, version)
            or _after(signed_time, version)
            or bool(evidence and _after(evidence.updated_at, version)),
        )
        group = top.name if top else ""
        entries.append(((group.casefold(), row.unit.casefold(), row.name.casefold()), group, row))
    return _lines(sorted(entries, key=lambda entry: entry[0]))


def online_evidence(*, session: Session) -> dict[int, OnlineAttendance]:
    """The online attendance of `session` by invitation, with the reports behind each; two
    queries."""
    return {
        row.invitation_id: row
        for row in OnlineAttendance.objects.filter(session=session).prefetch_related(
            Prefetch("reports", queryset=OnlineReport.objects.order_by("imported_at", "pk"))
        )
    }


def _evidence_text(evidence: OnlineAttendance) -> str:
    """ "Zoom, 95 minutes (peserta-hari-1.csv)" """
    reports = list(evidence.reports.all())
    platforms = ", ".join(dict.fromkeys(report.get_platform_display() for report in reports))
    names = ", ".join(report.filename for report in reports)
    return _("%(platform)s, %(minutes)d minutes (%(reports)s)") % {
        "platform": platforms,
        "minutes": evidence.minutes,
        "reports": names,
    }


def _online_row_evidence(checkin: CheckIn, evidence: OnlineAttendance | None, session) -> str:
    """What stands in the signature's place for someone present online."""
    if checkin.method != CheckIn.Method.ONLINE or checkin.signature is not None:
        return ""
    if evidence is not None and evidence.reports.all():
        return _("present online — %(evidence)s") % {"evidence": _evidence_text(evidence)}
    return _("present online — checked in online at %(time)s") % {
        "time": _clock(checkin.at, session)
    }


def blank_rows(*, session: Session) -> list[SheetLine]:
    """Those who accepted the meeting (representatives included), grouped like the filled
    sheet, with nothing filled in."""
    invitations = list(
        Invitation.objects.filter(
            meeting_id=session.meeting_id,
            withdrawn_at__isnull=True,
            answer=Invitation.Answer.YES,
        ).select_related("member__agency")
    )
    tops = top_agencies({i.member.agency_id for i in invitations})
    entries = []
    for invitation in invitations:
        member = invitation.member
        top = tops.get(member.agency_id)
        row = SheetRow(
            number=0,
            name=member.full_name,
            nip=member.nip,
            position=member.position,
            unit=_unit(member, member.agency, top),
        )
        group = top.name if top else ""
        entries.append(((group.casefold(), row.unit.casefold(), row.name.casefold()), group, row))
    return _lines(sorted(entries, key=lambda entry: entry[0]))


def _lines(entries) -> list[SheetLine]:
    lines, current = [], None
    for number, (_key, group, row) in enumerate(entries, start=1):
        if group != current:
            lines.append(SheetLine(group=group))
            current = group
        row.number = number
        lines.append(SheetLine(row=row))
    return lines


def split_for_certification(lines: list[SheetLine]) -> tuple[list[SheetLine], list[SheetLine]]:
    """The lines before, and the last ROWS_KEPT_WITH_CERTIFICATION people's lines (with their
    group heading) that are kept on one page with the certification."""
    people = [index for index, line in enumerate(lines) if line.row is not None]
    if not people:
        return [], lines
    start = people[max(0, len(people) - ROWS_KEPT_WITH_CERTIFICATION)]
    if start > 0 and lines[start - 1].row is None:
        start -= 1  # keep a group heading with its first row
    return lines[:start], lines[start:]


def certification(*, session: Session, settings: SheetSettings) -> dict:
    labels: dict[str, str] = {
        SheetSettings.Certifier.PPK: pgettext("certifier", "Commitment-making officer"),
        SheetSettings.Certifier.COMMITTEE_CHAIR: pgettext("certifier", "Chair of the committee"),
    }
    label = labels[settings.certifier]
    zone = session.meeting.time_zone
    return {
        "label": label,
        "name": settings.certifier_name,
        "nip": settings.certifier_nip,
        "place": settings.place,
        "date": date_format(session.starts_at.astimezone(ZoneInfo(zone)).date(), "j F Y"),
    }


def sheet_context(
    *, session: Session, blank: bool = False, version: SheetVersion | None = None
) -> dict:
    """Everything the template prints; call it inside translation.override("id")."""
    meeting = session.meeting
    zone = meeting.time_zone
    settings = sheet_settings(meeting)
    lines = blank_rows(session=session) if blank else filled_rows(session=session, version=version)
    people = [line.row for line in lines if line.row is not None]
    body, kept = split_for_certification(lines)
    spare_start = len(people) + 1
    return {
        "meeting": meeting,
        "session": session,
        "kop": letterhead_for(meeting.host_agency),
        "day": format_day(session.starts_at, zone),
        "time": f"{format_time(session.starts_at, zone).split(' ')[0]}–"
        f"{format_time(session.ends_at, zone)}",
        "zone": zone_label(zone, session.starts_at),
        "place": ", ".join(p for p in (meeting.venue, meeting.address.replace("\n", ", ")) if p),
        "chair": meeting.chair,
        "blank": blank,
        "body": body,
        "kept": kept,
        "spare_rows": range(spare_start, spare_start + (BLANK_SPARE_ROWS if blank else 0)),
        "total": len(people),
        "unsigned": sum(1 for row in people if row.signature is None and not row.evidence),
        "late": any(row.late for row in people),
        "marked": any(row.since_previous for row in people),
        "version": version,
        "certification": certification(session=session, settings=settings),
    }
