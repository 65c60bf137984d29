"""The minutes and the activity report as documents: what goes into them, and the PDFs.

Everything printed is read from the models when the document is made: the header from the
meeting and its sessions, the attendance summary from the attendance records
(attendance.selectors.with_attendance_status: present, excused, represented, absent), the body
from the minutes' sections, the decisions and the actions. Discussion text is Markdown, rendered and
sanitised by outputs.markdown; everything else goes through the template's autoescape, so a
``<script>`` typed anywhere is printed as text, never run or laid out as markup.

The documents are in the meeting's language: Indonesian (settings.LANGUAGE_CODE) unless a
`language` is given. The DOCX of the minutes is in outputs/exports_docx.py, the activity report
in outputs/exports_report.py; both use `minutes_context` from here.
"""

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count
from django.utils.formats import date_format
from django.utils.translation import override

from attendance.models import CheckIn, Status
from attendance.selectors import with_attendance_status
from core.dates import format_day, zone_label
from core.pdf import html_to_pdf
from events.models import Meeting, Session
from members.selectors import top_agencies
from privacy.scope import may_see_contact

from .models import Action, Decision, Minutes


@dataclass
class AgencyAttendance:
    """One ministry or agency (its units counted under it, named in `units`)."""

    agency: str
    short: str = ""
    units: list[str] = field(default_factory=list)
    invited: int = 0
    present: int = 0  # in person, at one session at least
    excused: int = 0
    represented: int = 0  # present through their representative
    absent: int = 0
    present_names: list[str] = field(default_factory=list)

    @property
    def attended(self) -> int:
        return self.present + self.represented


def attendance_by_agency(*, meeting: Meeting) -> list[AgencyAttendance]:
    """Per ministry or agency of those invited (still standing), by name, its units counted
    under it: how many were present at one session at least, present through their
    representative, excused, or absent (attendance.selectors.with_attendance_status, the one
    rule). Each invitation counts once; the people present are exactly those on the sessions'
    daftar hadir. One query plus one per level of units."""
    invitations = list(
        with_attendance_status(meeting_id=meeting.pk).order_by("member__full_name", "pk")
    )
    tops = top_agencies({i.member.agency_id for i in invitations})
    rows: dict[int | None, AgencyAttendance] = {}
    for invitation in invitations:
        agency = invitation.member.agency
        top = tops.get(agency.pk) if agency else None
        key = top.pk if top else None
        row = rows.get(key)
        if row is None:
            row = rows[key] = AgencyAttendance(
                agency=str(top) if top else "—",
                short=(top.acronym or top.name) if top else "—",
            )
        if top is not None and agency.pk != top.pk and agency.name not in row.units:
            row.units.append(agency.name)
        row.invited += 1
        # The row's counters are named after Status's values.
        setattr(row, invitation.status, getattr(row, invitation.status) + 1)
        if invitation.status == Status.PRESENT:
            row.present_names.append(invitation.member.full_name)
    return sorted(rows.values(), key=lambda row: row.agency.casefold())


def session_presence(*, meeting: Meeting) -> list[dict]:
    """Per session, in order: its title, how many people are on its daftar hadir, and of them
    how many attended in the room, online and both (attendance.selectors.with_attended)."""
    from attendance.selectors import with_attended

    counts: dict[int, dict[str, int]] = {}
    grouped = (
        with_attended(CheckIn.objects.filter(session__meeting=meeting))
        .order_by()
        .values_list("session", "attended")
        .annotate(n=Count("pk"))
    )
    for session_id, how, n in grouped:
        counts.setdefault(session_id, {})[how] = n
    return [
        {
            "session": session,
            "title": session.title,
            "present": sum(counts.get(session.pk, {}).values()),
            **{how: counts.get(session.pk, {}).get(how, 0) for how in ("room", "online", "both")},
        }
        for session in meeting.sessions.all()
    ]


def meeting_when(*, meeting: Meeting, sessions: list[Session]) -> dict:
    """Day and date ("Kamis, 25 November 2021", or the first and last day of a meeting of
    several days) and the time with its zone ("08.00–16.00 WIB"), in the active language."""
    if not sessions:
        return {"day": "", "time": "", "first_day": None, "last_day": None}
    zone = ZoneInfo(meeting.time_zone)
    first, last = sessions[0], sessions[-1]
    start, end = first.starts_at.astimezone(zone), last.ends_at.astimezone(zone)
    day = format_day(first.starts_at, meeting.time_zone)
    if end.date() != start.date():
        day = f"{day} – {format_day(last.ends_at, meeting.time_zone)}"
    label = zone_label(meeting.time_zone, first.starts_at)
    spans = [
        f"{s.starts_at.astimezone(zone):%H.%M}–{s.ends_at.astimezone(zone):%H.%M}" for s in sessions
    ]
    if len(set(spans)) == 1:
        time = f"{spans[0]} {label}"
    else:  # the sessions keep different hours: say each one's, not first start to last end
        time = "; ".join(f"{s.title} {span}" for s, span in zip(sessions, spans, strict=True))
        time = f"{time} {label}"
    return {
        "day": day,
        "time": time,
        "first_day": start.date(),
        "last_day": end.date(),
    }


def _person(member, viewer=None) -> dict:
    if member is None:
        return {"name": "", "nip": ""}
    hidden = viewer is not None and not may_see_contact(viewer, member)
    return {"name": member.full_name, "nip": "" if hidden else member.nip}


def _responsible(action: Action) -> str:
    agency = action.responsible_agency
    member = action.responsible_member
    if member and agency:
        return f"{member.full_name} ({agency})"
    return member.full_name if member else str(agency or "")


def _long_date(day: date | None) -> str:
    return date_format(day, "j F Y") if day else ""


def minutes_context(*, minutes: Minutes, viewer=None) -> dict:
    """What the minutes' PDF and DOCX print, built in a fixed number of queries. Call it inside
    translation.override: day names, months and status labels are in the active language.
    With `viewer` (who downloads a draft), the chair's and minute-taker's NIP only where the
    viewer may see it (privacy/scope.py): the meeting form offers every member for both."""
    meeting = (
        Meeting.objects.select_related("host_agency", "chair", "minute_taker")
        .prefetch_related("sessions")
        .get(pk=minutes.meeting_id)
    )
    sessions = list(meeting.sessions.all())
    when = meeting_when(meeting=meeting, sessions=sessions)
    sections = [
        {"title": section.title, "discussion": section.discussion}
        for section in (minutes.sections.all() if minutes.pk else [])
    ]
    decisions = list(
        Decision.objects.filter(meeting=meeting).select_related("agenda_item").order_by("number")
    )
    actions = [
        {
            "number": index,
            "title": action.title,
            "responsible": _responsible(action),
            "due_date": _long_date(action.due_date),
            "status": action.get_status_display(),
            "status_value": action.status,
        }
        for index, action in enumerate(
            Action.objects.filter(meeting=meeting)
            .select_related("responsible_agency", "responsible_member")
            .order_by("due_date", "pk"),
            start=1,
        )
    ]
    attendance = attendance_by_agency(meeting=meeting)
    approved = minutes.state in (Minutes.State.APPROVED, Minutes.State.DISTRIBUTED)
    chair = _person(meeting.chair, viewer)
    if approved and minutes.approver_name:
        chair = {"name": minutes.approver_name, "nip": minutes.approver_nip}
    zone = ZoneInfo(meeting.time_zone)
    sign_day = (
        minutes.approved_at.astimezone(zone).date()
        if approved and minutes.approved_at
        else when["last_day"]
    )
    place = ", ".join(part for part in (meeting.venue, meeting.address.replace("\n", ", ")) if part)
    return {
        "meeting": meeting,
        "minutes": minutes,
        "approved": approved,
        "when": when,
        "place": place,
        "online_url": meeting.online_url if meeting.mode != Meeting.Mode.IN_PERSON else "",
        "chair": chair,
        "minute_taker": _person(meeting.minute_taker, viewer),
        "sign_date": _long_date(sign_day),
        "sections": sections,
        "conclusions": minutes.conclusions,
        "decisions": decisions,
        "actions": actions,
        "attendance": attendance,
        "totals": attendance_totals(attendance),
    }


def attendance_totals(rows: list[AgencyAttendance]) -> dict:
    """The columns' sums, and how many ministries or agencies attended (each counted once)."""
    totals = {
        key: sum(getattr(row, key) for row in rows)
        for key in ("invited", "present", "excused", "represented", "absent")
    }
    totals["attended"] = totals["present"] + totals["represented"]
    totals["agencies"] = sum(1 for row in rows if row.attended)
    return totals


def _write_pdf(html: str) -> bytes:
    return html_to_pdf(html)


def minutes_html(*, minutes: Minutes, language: str | None = None, viewer=None) -> str:
    """The notulen as they read now (outputs/notulen.py), in `language`."""
    from .notulen import notulen_html, notulen_snapshot

    with override(language or settings.LANGUAGE_CODE):
        return notulen_html(snapshot=notulen_snapshot(minutes=minutes, viewer=viewer))


def minutes_pdf(*, minutes: Minutes, language: str | None = None, viewer=None) -> bytes:
    """The notulen as an A4 PDF as they read now (a draft, or approved minutes not frozen):
    the convention's header, the numbered acara and their discussion, conclusions, numbered
    decisions, the actions as a table, "Mengetahui," with the chair and the minute-taker's
    signature blocks, and "Halaman n dari m" on every page. Approved minutes are served from
    their frozen record instead (outputs/services/notulen.py)."""
    return _write_pdf(minutes_html(minutes=minutes, language=language, viewer=viewer))


def activity_report_pdf(*, report, language: str | None = None, stamp=None) -> bytes:
    """The laporan kegiatan (an ActivityReport, saved or a draft) as an A4 PDF (see
    outputs/exports_report.py); with `stamp` (records.Stamp) the frozen version's."""
    from .exports_report import activity_report_html

    return _write_pdf(activity_report_html(report=report, language=language, stamp=stamp))


def minutes_docx(*, minutes: Minutes, language: str | None = None, viewer=None) -> bytes:
    """The notulen as a Word document (see outputs/exports_docx.py)."""
    from .exports_docx import minutes_docx as build

    return build(minutes=minutes, language=language, viewer=viewer)
