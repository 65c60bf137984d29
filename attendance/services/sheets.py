"""Closing a session's daftar hadir, and the meeting's daftar hadir settings.

Signatures close at the session's end plus the meeting's grace (signatures.py). From then the
organizer closes the sheet: it is rendered once and frozen through the records app as the
session's daftar hadir (kind "daftar_hadir", subject the Session), version 1. What arrives later
(a late signature with its reason, someone checked in by hand afterwards, an online report) is
shown on the sheets page as changed since that version; closing again makes the next version,
with the reason, its new rows marked; the earlier versions stay, superseded.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from core.dates import format_moment
from core.downloads import NOT_MADE
from core.errors import Refused
from core.text import one_line
from events.models import Meeting, Session
from members.models import User

from ..models import CheckIn, OnlineAttendance, ScanAttempt, SheetSettings
from ..permissions import may_close_sheets
from .signatures import sheet_settings, signatures_close_at

log = logging.getLogger(__name__)

KIND = "daftar_hadir"


class SheetError(Refused):
    message = gettext_lazy("The daftar hadir cannot be closed now.")


@dataclass(frozen=True)
class SheetStatus:
    session: Session
    closes_at: datetime  # signatures close then; the sheet may be closed from then on
    closable: bool
    current: object | None  # the current frozen version (records.FrozenDocument) or None
    changed: int  # check-ins added, signed or undone since the current version


def changes_since(session: Session, at: datetime) -> int:
    """How many check-ins of `session` were added, signed or undone after `at`, or gained
    online evidence from a report imported since."""
    touched = CheckIn.objects.filter(session=session).filter(
        Q(recorded_at__gt=at) | Q(signed_at__gt=at)
    )
    undone = ScanAttempt.objects.filter(
        session=session, result=ScanAttempt.Result.UNDONE, recorded_at__gt=at
    )
    # Someone already on the sheet whom an online report imported since gave online evidence.
    evidence = OnlineAttendance.objects.filter(session=session, updated_at__gt=at).filter(
        Exists(
            CheckIn.objects.filter(
                invitation=OuterRef("invitation"), session=session, recorded_at__lte=at
            )
        )
    )
    return touched.count() + undone.count() + evidence.count()


def sheet_statuses(*, meeting: Meeting, now: datetime | None = None) -> list[SheetStatus]:
    """For each session of the meeting, in order: when signatures close, whether the sheet can
    be closed, its current closed version and what changed since."""
    from records.services import latest_frozen

    now = now or timezone.now()
    settings = sheet_settings(meeting)
    statuses = []
    for session in meeting.sessions.all():
        session.meeting = meeting
        closes_at = signatures_close_at(session, settings)
        current = latest_frozen(meeting=meeting, kind=KIND, subject=session)
        statuses.append(
            SheetStatus(
                session=session,
                closes_at=closes_at,
                closable=now >= closes_at or current is not None,
                current=current,
                changed=changes_since(session, current.frozen_at) if current else 0,
            )
        )
    return statuses


@transaction.atomic
def close_sheet(
    *, session: Session, by: User | None, reason: str = "", now: datetime | None = None
):
    """Close the session's daftar hadir: render it once and freeze it (records), signed by the
    certifier of the meeting's settings. Only an organizer, and only from signatures_close_at
    (or any time after a first version).
    A sheet closed before is closed again only when something changed since; the new version
    marks those rows and says why (`reason`, else what changed)."""
    from records.services import RecordsError, Rendered, freeze_document, latest_frozen

    from ..pdf import daftar_hadir_pdf
    from ..sheet import SheetVersion

    now = now or timezone.now()
    meeting = Meeting.objects.select_for_update().get(pk=session.meeting_id)
    session.meeting = meeting
    if by is None or not may_close_sheets(by, meeting):
        raise SheetError(_("Only an organizer of this meeting may close its daftar hadir."))
    settings = sheet_settings(meeting)
    closes_at = signatures_close_at(session, settings)
    previous = latest_frozen(meeting=meeting, kind=KIND, subject=session)
    # Once closed, signatures stay closed (signatures.signatures_closed): a grace lengthened
    # since does not hold back the next version.
    if previous is None and now < closes_at:
        raise SheetError(
            _("Signatures close at %(when)s; the daftar hadir can be closed from then.")
            % {"when": format_moment(closes_at, meeting.time_zone)}
        )
    changed = changes_since(session, previous.frozen_at) if previous else 0
    if previous is not None and not changed:
        raise SheetError(_("Nothing changed since this daftar hadir was closed."))
    reason = " ".join(reason.split())
    with override("id"):
        if previous is not None and not reason:
            reason = _(
                "%(count)s check-ins added, signed or undone after version %(version)s closed"
            ) % {"count": changed, "version": previous.version}
        title = _("Attendance sheet of %(session)s, %(meeting)s") % {
            "session": session.title,
            "meeting": meeting.title,
        }

    def render(stamp):
        version = SheetVersion(
            number=stamp.version, previous_closed_at=previous.frozen_at if previous else None
        )
        return Rendered(pdf=daftar_hadir_pdf(session=session, version=version, stamp=stamp))

    try:
        document = freeze_document(
            meeting=meeting,
            kind=KIND,
            subject=session,
            title=title,
            signers=[settings.certifier_name] if settings.certifier_name else [],
            render=render,
            actor=by,
            reason=reason,
        )
    except RecordsError as refused:
        raise SheetError(str(refused)) from None
    except Exception as error:  # the renderer or the signer: logged, told, nothing stored
        log.exception("The daftar hadir of session %s could not be frozen", session.pk)
        raise SheetError(NOT_MADE) from error
    log.info("Daftar hadir of session %s closed as version %s", session.pk, document.version)
    return document


@dataclass(frozen=True)
class SheetSettingsData:
    signature_grace_minutes: int
    certifier: str
    certifier_name: str
    certifier_nip: str
    place: str


@transaction.atomic
def save_sheet_settings(
    *, meeting: Meeting, data: SheetSettingsData, by: User | None
) -> SheetSettings:
    """Save how the meeting's daftar hadir closes and who certifies it; the change is in the
    audit trail (it decides which signatures count as late). Closed versions keep what they
    printed."""
    from records.services import record_change

    current = SheetSettings.objects.select_for_update().filter(meeting=meeting).first()
    before = _as_dict(current) if current else None
    settings, _created = SheetSettings.objects.update_or_create(
        meeting=meeting,
        defaults={
            "signature_grace_minutes": data.signature_grace_minutes,
            "certifier": data.certifier,
            "certifier_name": one_line(data.certifier_name),
            "certifier_nip": "".join(one_line(data.certifier_nip).split()),
            "place": one_line(data.place),
        },
    )
    after = _as_dict(settings)
    if after != before:
        record_change(
            actor=by,
            meeting=meeting,
            obj=settings,
            action="daftar_hadir.settings_changed",
            before=before,
            after=after,
        )
    return settings


def _as_dict(settings: SheetSettings) -> dict:
    return {
        "signature_grace_minutes": settings.signature_grace_minutes,
        "certifier": settings.certifier,
        "certifier_name": settings.certifier_name,
        "certifier_nip": settings.certifier_nip,
        "place": settings.place,
    }
