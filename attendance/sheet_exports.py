"""A session's daftar hadir (filled in, or blank for signing on paper) as an export of people:
made within the request when it is small, by Celery when it is big (core/export_views.py)."""

from functools import partial

from django.http import Http404
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.exports import ExportDocument, gated
from events.models import Session
from events.permissions import is_meeting_organizer
from personal_data.models import Access
from personal_data.selectors import on_sheet

from .pdf import daftar_hadir_pdf


@gated(is_meeting_organizer)
def sheet_export(*, user, meeting_id: int, query) -> ExportDocument:  # noqa: ARG001 (a builder)
    """The daftar hadir of the session `query["session"]` of the meeting; blank when
    `query["blank"]` is "1"; for whoever organizes the meeting."""
    session = (
        Session.objects.select_related("meeting")
        .filter(pk=query.get("session"), meeting_id=meeting_id)
        .first()
    )
    if session is None:
        raise Http404
    blank = query.get("blank") == "1"
    what = "daftar-hadir-kosong" if blank else "daftar-hadir"
    return ExportDocument(
        render=partial(daftar_hadir_pdf, session=session, blank=blank),
        people=on_sheet(session=session),
        title=f"{_('Blank sheet') if blank else _('Attendance sheet')} · {session.title}",
        filename=f"{what}-{slugify(session.meeting.title)[:50]}-{slugify(session.title)}",
        access=Access.DAFTAR_HADIR,
    )
