"""The laporan kegiatan (activity report) of a meeting, as Permenpan 80/2012 (Contoh 18) lays
out a laporan: the kop and "LAPORAN TENTANG …"; A. Pendahuluan (1. Umum, 2. Maksud dan Tujuan,
3. Ruang Lingkup, 4. Dasar); B. Kegiatan yang Dilaksanakan (sessions, agenda and speakers, who
attended: per session as on its daftar hadir, per ministry or agency with its units under it,
as a table and a bar chart); C. Hasil yang Dicapai (decisions, follow-up actions, obstacles);
D. Simpulan dan Saran; E. Penutup; the foot: place and date, the position, name and NIP of the
official who made the report; then the photos (dokumentasi).

The narrative is the report's (ActivityReport), drafted from the meeting's data by
draft_narrative and edited by the organizer; every count is read from the attendance records
(outputs/exports.py: a represented invitee counts as present through the representative, each
ministry or agency once, its units under it). The chart
is drawn in HTML, a table of bars whose lengths are computed here (a PDF runs no script; an SVG's
text would become a form XObject per label, which WeasyPrint and a signature's validation then
handle one by one); photos are embedded from the documents storage by file:// URI, six to a
page.
"""

from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.dates import format_day, format_time
from events.services.letters import issued_letter
from members.letterhead import letterhead_for

from .exports import AgencyAttendance, minutes_context, session_presence
from .markdown import render_markdown
from .models import Action, ActivityReport, Document, Minutes

PHOTOS_PER_PAGE = 6


def attendance_chart(rows: list[AgencyAttendance]) -> dict:
    """Horizontal bars per agency, invited (light) behind present (dark): their lengths in
    percent of the longest bar."""
    largest = max((max(row.invited, row.present) for row in rows), default=0) or 1
    bars = [
        {
            "label": row.short if len(row.short) <= 24 else row.short[:23] + "…",
            # Strings: numbers in the template would be localised ("62,5" in Indonesian).
            "invited_width": f"{100 * row.invited / largest:.1f}",
            "present_width": f"{100 * row.present / largest:.1f}",
            "present": row.present,
            "invited": row.invited,
        }
        for row in rows
    ]
    return {"bars": bars}


def _photo_pages(meeting) -> list[list[dict]]:
    photos = [
        {"title": doc.title, "src": Path(doc.file.path).as_uri()}
        for doc in Document.objects.filter(
            meeting=meeting, kind=Document.Kind.PHOTO, content_type__startswith="image/"
        ).order_by("uploaded_at", "pk")
        if doc.file and Path(doc.file.path).exists()
    ]
    return [photos[i : i + PHOTOS_PER_PAGE] for i in range(0, len(photos), PHOTOS_PER_PAGE)]


def _agenda(meeting) -> list[dict]:
    zone = ZoneInfo(meeting.time_zone)
    return [
        {
            "time": f"{item.starts_at.astimezone(zone):%H.%M}" if item.starts_at else "",
            "session": item.session.title if item.session_id else "",
            "title": item.title,
            "speaker": item.speaker,
            "moderator": item.moderator,
        }
        for item in meeting.agenda_items.select_related("session").order_by(
            "starts_at", "position", "pk"
        )
    ]


def draft_narrative(*, meeting) -> dict[str, str]:
    """The narrative of a new laporan, written from the meeting's data in the active language
    (Indonesian for the record): the organizer edits it before it is final."""
    minutes = Minutes.objects.filter(meeting=meeting).first() or Minutes(meeting=meeting)
    context = minutes_context(minutes=minutes)
    meeting = context["meeting"]
    when, totals = context["when"], context["totals"]
    place = context["place"] or context["online_url"] or "—"
    background = meeting.description or _(
        "%(host)s held the meeting %(title)s on %(day)s at %(place)s."
    ) % {
        "host": meeting.host_agency.name,
        "title": meeting.title,
        "day": when["day"] or "—",
        "place": place,
    }
    purpose = _(
        "The meeting was held to coordinate the agencies taking part on %(title)s and to agree "
        "on decisions and follow-up actions that each of them carries out."
    ) % {"title": meeting.title}
    scope = [item["title"] for item in _agenda(meeting)] or [meeting.title]
    basis = [
        _("DIPA of %(host)s, budget year %(year)s.")
        % {
            "host": meeting.host_agency.name,
            "year": when["first_day"].year if when["first_day"] else "",
        }
    ]
    issued = issued_letter(meeting)
    if issued is not None:
        basis.append(
            _("Invitation letter number %(number)s of %(date)s.")
            % {"number": issued["number"], "date": date_format(issued["date"], "j F Y")}
        )
    elif meeting.letter_number:
        basis.append(_("Invitation letter number %(number)s.") % {"number": meeting.letter_number})
    not_present = totals["invited"] - totals["attended"]
    obstacles = (
        _("%(count)d of %(invited)d invitees did not attend (%(excused)d excused).")
        % {"count": not_present, "invited": totals["invited"], "excused": totals["excused"]}
        if not_present
        else _("There were no significant obstacles.")
    )
    open_actions = [
        a
        for a in context["actions"]
        if a["status_value"] in (Action.Status.OPEN, Action.Status.IN_PROGRESS)
    ]
    suggestions = (
        _("The %(count)d open follow-up actions should be monitored until they are done.")
        % {"count": len(open_actions)}
        if open_actions
        else _("The results of this meeting should be followed up by each agency.")
    )
    return {
        "background": background,
        "purpose": purpose,
        "scope": "\n".join(scope),
        "basis": "\n".join(basis),
        "obstacles": obstacles,
        "conclusions": minutes.conclusions,
        "suggestions": suggestions,
        "closing": _(
            "This report on %(title)s is submitted as an account of the activity and for its "
            "follow-up."
        )
        % {"title": meeting.title},
    }


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def activity_report_context(*, report: ActivityReport) -> dict:
    """What the laporan prints: its narrative and signer from `report`, the rest read from the
    meeting and its records now; call it inside translation.override."""
    meeting = report.meeting
    minutes = Minutes.objects.filter(meeting=meeting).first() or Minutes(meeting=meeting)
    context = minutes_context(minutes=minutes)
    meeting = context["meeting"]
    zone = meeting.time_zone
    sessions = [
        {
            "title": row["title"],
            "day": format_day(row["session"].starts_at, zone),
            "time": f"{row['session'].starts_at.astimezone(ZoneInfo(zone)):%H.%M}–"
            f"{format_time(row['session'].ends_at, zone)}",
            "present": row["present"],
            "room": row["room"],
            "online": row["online"],
            "both": row["both"],
        }
        for row in session_presence(meeting=meeting)
    ]
    context.update(
        {
            # Hybrid and online meetings: how the people present attended, per session.
            "online_columns": meeting.mode != meeting.Mode.IN_PERSON,
            "kop": letterhead_for(meeting.host_agency),
            "report": report,
            "background": report.background,
            "purpose": report.purpose,
            "scope": _lines(report.scope),
            "basis": _lines(report.basis),
            "obstacles": report.obstacles,
            "suggestions": report.suggestions,
            "closing": report.closing,
            "sessions": sessions,
            "agenda": _agenda(meeting),
            "conclusions_html": render_markdown(report.conclusions),
            "chart": attendance_chart(context["attendance"]),
            "photo_pages": _photo_pages(meeting),
            "author": {
                "name": report.author_name,
                "position": report.author_position,
                "nip": report.author_nip,
            },
            "sign_place_date": f"{report.place}, {date_format(report.report_date, 'j F Y')}",
        }
    )
    return context


def activity_report_html(*, report: ActivityReport, language: str | None = None, stamp=None) -> str:
    with override(language or settings.LANGUAGE_CODE):
        context = activity_report_context(report=report)
        context["stamp"] = stamp
        if stamp:
            context["version_label"] = _("Version %(number)s") % {"number": stamp.version}
        return render_to_string("outputs/pdf/activity_report.html", context)
