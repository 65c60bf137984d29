"""The laporan kegiatan of a meeting: drafted from its data, edited, finalised as a record.

Its narrative (latar belakang, maksud dan tujuan, ruang lingkup, dasar, hambatan, simpulan,
saran, penutup) starts as a draft written from the meeting's data (exports_report.draft_narrative)
and is the organizer's to edit; the report is signed by the official who made it (name,
position, NIP, place and date), not by the chair and the minute-taker. Finalised, it is
rendered once and frozen through the records app (kind "laporan", subject the ActivityReport):
its counts then are those of the attendance records at that moment. A later correction is the
next version, with its reason.
"""

import logging
from dataclasses import dataclass, fields
from datetime import date
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from core.downloads import NOT_MADE
from core.errors import Refused
from core.text import cleaned_for
from events.letters.defaults import city_of
from events.models import Meeting
from events.permissions import is_meeting_organizer
from members.letterhead import letterhead_for
from members.models import Member, User

from ..models import ActivityReport

log = logging.getLogger(__name__)

KIND = "laporan"


class ReportError(Refused):
    message = gettext_lazy("The activity report cannot be changed like this.")


@dataclass(frozen=True)
class ReportData:
    background: str
    purpose: str
    scope: str
    basis: str
    obstacles: str
    conclusions: str
    suggestions: str
    closing: str
    author_name: str
    author_position: str
    author_nip: str
    place: str
    report_date: date


def report_for(*, meeting: Meeting, by: User | None = None) -> ActivityReport:
    """The meeting's laporan, or a new one drafted from the meeting (not saved), signed by the
    member record of `by` when there is one."""
    report = ActivityReport.objects.filter(meeting=meeting).first()
    if report is not None:
        report.meeting = meeting
        return report
    from ..exports_report import draft_narrative

    author = Member.objects.filter(user=by).first() if by and by.is_authenticated else None
    with override("id"):
        narrative = draft_narrative(meeting=meeting)
    return ActivityReport(
        meeting=meeting,
        **narrative,
        author_name=author.full_name if author else "",
        author_position=author.position if author else "",
        author_nip=author.nip if author else "",
        place=city_of(letterhead_for(meeting.host_agency).address),
        report_date=timezone.now().astimezone(ZoneInfo(meeting.time_zone)).date(),
    )


@transaction.atomic
def save_report(*, meeting: Meeting, data: ReportData, by: User | None) -> ActivityReport:
    """Save the laporan's narrative and signer. Its frozen versions keep what they printed."""
    if by is None or not is_meeting_organizer(by, meeting):
        raise ReportError(_("Only an organizer of this meeting may write its report."))
    Meeting.objects.select_for_update().get(pk=meeting.pk)
    report = report_for(meeting=meeting, by=by)
    for field in fields(ReportData):
        value = getattr(data, field.name)
        setattr(report, field.name, cleaned_for(ActivityReport, field.name, value))
    if not report.author_name or not report.author_position:
        raise ReportError(_("Name the official who makes the report, with their position."))
    report.save()
    return report


@transaction.atomic
def finalise_report(*, meeting: Meeting, by: User | None, reason: str = ""):
    """Finalise the laporan: render it once and freeze it (records), signed by its author.
    Finalising it again is a new version and needs the reason."""
    from records.services import RecordsError, Rendered, freeze_document

    from ..exports import activity_report_pdf

    if by is None or not is_meeting_organizer(by, meeting):
        raise ReportError(_("Only an organizer of this meeting may finalise its report."))
    Meeting.objects.select_for_update().get(pk=meeting.pk)
    report = ActivityReport.objects.filter(meeting=meeting).first()
    if report is None:
        raise ReportError(_("Write and save the report first."))
    report.meeting = meeting
    with override("id"):
        title = _("Activity report of %(meeting)s") % {"meeting": meeting.title}
    try:
        document = freeze_document(
            meeting=meeting,
            kind=KIND,
            subject=report,
            title=title,
            signers=[report.author_name],
            render=lambda stamp: Rendered(
                pdf=activity_report_pdf(report=report, language="id", stamp=stamp)
            ),
            actor=by,
            reason=" ".join(reason.split()),
        )
    except RecordsError as refused:
        raise ReportError(str(refused)) from None
    except Exception as error:  # the renderer or the signer: logged, told, nothing stored
        log.exception("The report of meeting %s could not be frozen", meeting.pk)
        raise ReportError(NOT_MADE) from error
    log.info("Activity report of meeting %s final as version %s", meeting.pk, document.version)
    return document


def frozen_report(meeting: Meeting):
    """The current frozen version of the meeting's laporan, or None."""
    from records.services import latest_frozen

    report = ActivityReport.objects.filter(meeting=meeting).first()
    if report is None:
        return None
    return latest_frozen(meeting=meeting, kind=KIND, subject=report)
