"""The approved notulen as a record: frozen at approval, with what was decided then.

approve_minutes (minutes_approval.py) calls freeze_notulen inside its transaction: the snapshot
of the notulen as approved (outputs/notulen.py: the follow-up actions as decided, the attendance
as it stood) is kept in the approval's revision and rendered once, PDF and DOCX, through the
records app (kind "notulen", subject the Minutes). The PDF carries each session's daftar hadir as
its lampiran: the closed version, page for page, or, for a session not closed yet, the sheet as it
stood at approval, marked as a preview. A correction approved again is the next version, with
its reason; downloads and the distribution serve the frozen bytes.
"""

import logging

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from members.models import User

from ..models import Minutes

log = logging.getLogger(__name__)

KIND = "notulen"


def _daftar_hadir_pages(meeting) -> list[tuple[str, bytes]]:
    """(name, PDF) of each session's daftar hadir: its closed version, else the sheet now; a
    session that has not begun yet has no daftar hadir to attach (an empty sheet, dated and
    certified in advance, is no record of anything)."""
    from attendance.pdf import daftar_hadir_pdf
    from attendance.services.sheets import KIND as SHEET
    from records.services import latest_frozen

    pages = []
    for session in meeting.sessions.all():
        session.meeting = meeting
        closed = latest_frozen(meeting=meeting, kind=SHEET, subject=session)
        if closed is None and session.starts_at > timezone.now():
            continue
        name = _("Attendance sheet of %(session)s") % {"session": session.title}
        if closed is not None:
            name = f"{name} ({_('Version %(number)s') % {'number': closed.version}})"
            pages.append((name, closed.pdf_bytes()))
        else:
            pages.append((name, daftar_hadir_pdf(session=session)))
    return pages


def freeze_notulen(*, minutes: Minutes, by: User | None, reason: str = ""):
    """Freeze the approved minutes (see the module's docstring). Returns the frozen document
    and the snapshot it printed."""
    from records.services import Rendered, freeze_document

    from ..exports_docx import notulen_docx
    from ..notulen import notulen_pdf, notulen_snapshot

    meeting = minutes.meeting
    with override("id"):
        # The NIPs the approver may see only (privacy/scope.py), as on the draft they read.
        snapshot = notulen_snapshot(minutes=minutes, viewer=by)
        sheets = _daftar_hadir_pages(meeting)
        title = _("Minutes of %(meeting)s") % {"meeting": meeting.title}
        docx = notulen_docx(snapshot=snapshot)
        if minutes.version > 1 and not reason.strip():
            reason = _("Correction of version %(version)s") % {"version": minutes.version - 1}

    def render(stamp):
        return Rendered(pdf=notulen_pdf(snapshot=snapshot, stamp=stamp, sheets=sheets), docx=docx)

    signers = [snapshot["chair"]["name"], snapshot["minute_taker"]["name"]]
    document = freeze_document(
        meeting=meeting,
        kind=KIND,
        subject=minutes,
        title=title,
        signers=[name for name in signers if name],
        render=render,
        actor=by,
        reason=reason,
    )
    log.info("Minutes %s frozen as version %s", minutes.pk, document.version)
    return document, snapshot


def frozen_notulen(minutes: Minutes):
    """The current frozen version of approved minutes, or None."""
    from records.services import latest_frozen

    if minutes.state not in (Minutes.State.APPROVED, Minutes.State.DISTRIBUTED):
        return None
    return latest_frozen(meeting=minutes.meeting, kind=KIND, subject=minutes)
