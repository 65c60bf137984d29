"""The daftar hadir (attendance sheet) of one session as a PDF, A4 portrait, in Indonesian.

Built from templates/attendance/daftar_hadir.html by WeasyPrint. The filled sheet lists those
checked in, each with the signature captured at check-in or an empty box to sign on paper; the
blank sheet (the paper fallback) lists those who accepted, every box empty. The document is
Indonesian by nature: its labels go through gettext and it is always rendered in Indonesian.
"""

import base64
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import override

from core.dates import format_day, format_time
from events.models import Session

from . import selectors

DOCUMENT_LANGUAGE = "id"


def daftar_hadir_html(*, session: Session, blank: bool = False) -> str:
    meeting = session.meeting
    zone = meeting.time_zone
    rows = selectors.sheet_rows(session=session, blank=blank)
    for row in rows:
        png = row.pop("signature")
        row["signature_src"] = (
            "data:image/png;base64," + base64.b64encode(png).decode("ascii") if png else ""
        )
    chair = meeting.chair
    with override(DOCUMENT_LANGUAGE):
        return render_to_string(
            "attendance/daftar_hadir.html",
            {
                "meeting": meeting,
                "session": session,
                "day": format_day(session.starts_at, zone),
                "sign_date": date_format(session.starts_at.astimezone(ZoneInfo(zone)), "j F Y"),
                "time": f"{format_time(session.starts_at, zone).split(' ')[0]}–"
                f"{format_time(session.ends_at, zone)}",
                "place": ", ".join(p for p in (meeting.venue, meeting.address) if p),
                "chair": chair,
                "rows": rows,
                "blank": blank,
                "spare_rows": range(5 if blank else 0),
                "first_spare": len(rows) + 1,
            },
        )


def daftar_hadir_pdf(*, session: Session, blank: bool = False) -> bytes:
    """The PDF bytes of the session's daftar hadir (see the module's docstring)."""
    from weasyprint import HTML  # heavy: loaded when a sheet is asked for, not at start-up

    html = daftar_hadir_html(session=session, blank=blank)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
