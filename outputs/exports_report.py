"""The laporan kegiatan (activity report) of a meeting, in the structure officials expect:

I. Pendahuluan (A. Umum, B. Maksud dan Tujuan, C. Ruang Lingkup, D. Dasar), II. Kegiatan yang
Dilaksanakan (sessions, agenda and speakers, attendance per agency as a table and a bar chart),
III. Hasil yang Dicapai (decisions, follow-up actions), IV. Hambatan, V. Simpulan dan Saran (the
minutes' conclusions), VI. Penutup, then the photos (dokumentasi).

Where the meeting holds no text for a part, a sentence built from its data stands in. The chart
is SVG drawn here (a PDF runs no script); photos are embedded from the documents storage by
file:// URI, six to a page.
"""

from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.dates import format_day

from .exports import AgencyAttendance, minutes_context
from .markdown import render_markdown
from .models import Action, Document, Minutes

PHOTOS_PER_PAGE = 6
CHART_ROW_HEIGHT = 14
CHART_LABEL_WIDTH = 150
CHART_BAR_WIDTH = 300


def attendance_chart(rows: list[AgencyAttendance]) -> dict:
    """Horizontal bars per agency: invited (light) behind present (dark), in SVG user units."""
    largest = max((row.invited for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        y = index * CHART_ROW_HEIGHT
        bars.append(
            {
                "label": row.short if len(row.short) <= 24 else row.short[:23] + "…",
                "y": y,
                "text_y": y + CHART_ROW_HEIGHT - 4,
                # Strings: numbers in the template would be localised ("300,0" in Indonesian).
                "invited_width": f"{CHART_BAR_WIDTH * row.invited / largest:.1f}",
                "present_width": f"{CHART_BAR_WIDTH * row.present / largest:.1f}",
                "value_x": CHART_LABEL_WIDTH + round(CHART_BAR_WIDTH * row.invited / largest) + 4,
                "present": row.present,
                "invited": row.invited,
            }
        )
    height = CHART_ROW_HEIGHT * len(rows) + 16
    return {
        "bars": bars,
        "height": height,
        "width": CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 60,
        "label_width": CHART_LABEL_WIDTH,
        "bar_height": CHART_ROW_HEIGHT - 4,
        "legend_y": height - 4,
    }


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


def activity_report_context(*, meeting) -> dict:
    """What the report prints; call it inside translation.override."""
    minutes = Minutes.objects.filter(meeting=meeting).first() or Minutes(meeting=meeting)
    context = minutes_context(minutes=minutes)
    meeting = context["meeting"]
    when, totals = context["when"], context["totals"]
    zone = meeting.time_zone
    sessions = [
        {
            "title": session.title,
            "day": format_day(session.starts_at, zone),
            "time": f"{session.starts_at.astimezone(ZoneInfo(zone)):%H.%M}–"
            f"{session.ends_at.astimezone(ZoneInfo(zone)):%H.%M}",
        }
        for session in meeting.sessions.all()
    ]
    agenda = _agenda(meeting)
    place = context["place"] or context["online_url"] or "—"
    general = meeting.description or _(
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
    scope = [item["title"] for item in agenda] or [meeting.title]
    basis = (
        _("Invitation letter number %(number)s.") % {"number": meeting.letter_number}
        if meeting.letter_number
        else _("The work plan of %(host)s.") % {"host": meeting.host_agency.name}
    )
    not_present = totals["invited"] - totals["present"]
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
    suggestion = (
        _("The %(count)d open follow-up actions should be monitored until they are done.")
        % {"count": len(open_actions)}
        if open_actions
        else _("The results of this meeting should be followed up by each agency.")
    )
    context.update(
        {
            "general": general,
            "purpose": purpose,
            "scope": scope,
            "basis": basis,
            "sessions": sessions,
            "agenda": agenda,
            "obstacles": obstacles,
            "suggestion": suggestion,
            "conclusions_html": render_markdown(context["conclusions"]),
            "chart": attendance_chart(context["attendance"]),
            "photo_pages": _photo_pages(meeting),
        }
    )
    return context


def activity_report_html(*, meeting, language: str | None = None) -> str:
    with override(language or settings.LANGUAGE_CODE):
        context = activity_report_context(meeting=meeting)
        return render_to_string("outputs/pdf/activity_report.html", context)
