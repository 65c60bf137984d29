"""Hybrid and online meetings: the invitee's "Join and check in" (their answer link), and the
organizers' pages for the video platforms' participant reports of a session."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.dates import format_moment
from core.http import private
from events.links import invitation_for_link
from events.models import Invitation, Session
from events.permissions import meeting_organizer_required
from personal_data.models import Access
from personal_data.services import record_access

from ..models import CheckIn, OnlineReport, SheetSettings
from ..online_forms import MappingForm, ReportUploadForm, ThresholdForm
from ..selectors import agencies_for_guests
from ..services import online_checkin
from ..services.online_import import UnknownChoice, import_report
from ..services.online_reports import (
    MAX_REPORT_BYTES,
    ReportError,
    ReportRefused,
    discard_report,
    map_report_columns,
    preview_report,
    record_report_download,
    upload_report,
)
from ..services.online_threshold import save_online_threshold, threshold_minutes


def _invalid(request) -> HttpResponse:
    return private(render(request, "events/link_invalid.html", status=404))


@require_POST
def join(request, secret: str):
    """Check the link's invitee in, online, to the session open now, then show the page that
    opens the meeting's link. A GET never gets here (mail scanners follow links)."""
    invitation = invitation_for_link(request, secret)
    if invitation is None:
        return _invalid(request)
    try:
        online_checkin.online_check_in(invitation=invitation)
    except online_checkin.SelfCheckInError as refused:
        messages.error(request, str(refused.message))
        return redirect("events:answer", secret=secret)
    return redirect("attendance:joined", secret=secret)


@require_GET
def joined(request, secret: str):
    """After "Join and check in": the check-in's time and the meeting's link, which the page
    opens by itself (static/js/rakor.js, data-open-url). Shows; changes nothing."""
    invitation = invitation_for_link(request, secret)
    if invitation is None:
        return _invalid(request)
    meeting = invitation.meeting
    checkin = (
        CheckIn.objects.filter(invitation=invitation, session__meeting=meeting)
        .select_related("session")
        .order_by("-at")
        .first()
    )
    if checkin is None or not meeting.online_url:
        return redirect("events:answer", secret=secret)
    return private(
        render(
            request,
            "attendance/online_joined.html",
            {
                "invitation": invitation,
                "meeting": meeting,
                "checkin": checkin,
                "at": format_moment(checkin.at, meeting.time_zone),
                "in_room": checkin.method != CheckIn.Method.ONLINE,
                "secret": secret,
            },
        )
    )


# --- The organizers' pages: participant reports of a session ----------------------------------


def _session(meeting, session_pk: int) -> Session:
    session = get_object_or_404(Session, pk=session_pk, meeting=meeting)
    session.meeting = meeting
    return session


def _reports_page(request, meeting, session, form, threshold_form, *, status=200):
    settings = SheetSettings.objects.filter(meeting=meeting).first()
    return render(
        request,
        "attendance/online_reports.html",
        {
            "meeting": meeting,
            "session": session,
            "sessions": list(meeting.sessions.all()),
            "form": form,
            "threshold_form": threshold_form,
            "threshold": threshold_minutes(session, settings),
            "reports": OnlineReport.objects.filter(session=session)
            .select_related("uploaded_by")
            .order_by("-uploaded_at"),
        },
        status=status,
    )


def _threshold_form(meeting, data=None) -> ThresholdForm:
    settings = SheetSettings.objects.filter(meeting=meeting).first()
    initial = {"minutes": settings.online_threshold_minutes if settings else None}
    return ThresholdForm(data, initial=initial)


@meeting_organizer_required
def online_reports(request, meeting, session_pk: int):
    """A session's participant reports: those imported (the evidence) and drafts, and the form
    to upload another. A file that cannot be imported is a message; nothing is kept."""
    session = _session(meeting, session_pk)
    if request.method != "POST":
        return _reports_page(
            request, meeting, session, ReportUploadForm(), _threshold_form(meeting)
        )
    form = ReportUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["report"]
        try:
            if upload.size > MAX_REPORT_BYTES:
                raise ReportRefused(_("The report is larger than 10 MB."))
            draft = upload_report(
                session=session,
                platform=form.cleaned_data["platform"] or None,
                filename=upload.name,
                data=upload.read(),
                by=request.user,
            )
        except ReportError as refused:
            form.add_error("report", str(refused.message))
        else:
            return redirect("attendance:online_report", pk=meeting.pk, report_pk=draft.pk)
    return _reports_page(request, meeting, session, form, _threshold_form(meeting), status=400)


@meeting_organizer_required
@require_POST
def online_threshold(request, meeting, session_pk: int):
    session = _session(meeting, session_pk)
    form = _threshold_form(meeting, request.POST)
    if not form.is_valid():
        return _reports_page(request, meeting, session, ReportUploadForm(), form, status=400)
    save_online_threshold(meeting=meeting, minutes=form.cleaned_data["minutes"], by=request.user)
    messages.success(request, _("The threshold was saved; it applies to the next import."))
    return redirect("attendance:online_reports", pk=meeting.pk, session_pk=session.pk)


def _report(meeting, report_pk: int) -> OnlineReport:
    report = get_object_or_404(
        OnlineReport.objects.select_related("session"), pk=report_pk, meeting=meeting
    )
    report.session.meeting = meeting
    return report


def _unknown_rows(meeting, preview) -> list[tuple]:
    """Each unknown person of the preview with the agencies offered to add them to."""
    offered = agencies_for_guests(
        meeting=meeting, emails=[line.email for line in preview.unknown if line.email]
    )
    return [(line, offered.get(line.email.lower(), [])) for line in preview.unknown]


@meeting_organizer_required
def online_report(request, meeting, report_pk: int):
    """A report's preview (a GET writes nothing), and the organizer's decisions on it: map the
    columns, import with the choices made, or discard a draft."""
    report = _report(meeting, report_pk)
    back = redirect("attendance:online_reports", pk=meeting.pk, session_pk=report.session_id)
    action = request.POST.get("action") if request.method == "POST" else None
    try:
        if action == "discard":
            discard_report(report=report)
            messages.info(request, _("The draft report was discarded."))
            return back
        if action == "import":
            result = import_report(
                report=report,
                chosen=_chosen(request.POST),
                added=_added(request.POST),
                by=request.user,
            )
            messages.success(
                request,
                _(
                    "Imported: %(matched)d people matched, %(present)d newly present online, "
                    "%(evidence)d already checked in with online evidence added."
                )
                % {
                    "matched": result.matched,
                    "present": result.present,
                    "evidence": result.evidence,
                },
            )
            return back
        preview = preview_report(report=report)
    except ReportError as refused:
        messages.error(request, str(refused.message))
        return back
    matched = [line.invitee.invitation_id for line in preview.matched if line.invitee]
    record_access(
        request=request,
        what=Access.ONLINE_REPORT,
        people=Invitation.objects.filter(pk__in=matched),
        meeting=meeting,
    )
    mapping_form = None
    if action == "map" or preview.missing:
        mapping_form = MappingForm(
            request.POST if action == "map" else None,
            headers=preview.headers,
            initial_mapping=report.mapping,
        )
        if action == "map" and mapping_form.is_valid():
            try:
                map_report_columns(report=report, mapping=mapping_form.cleaned_data)
            except ReportError as refused:
                mapping_form.add_error(None, str(refused.message))
            else:
                return redirect("attendance:online_report", pk=meeting.pk, report_pk=report.pk)
    return render(
        request,
        "attendance/online_report.html",
        {
            "meeting": meeting,
            "session": report.session,
            "report": report,
            "preview": preview,
            "mapping_form": mapping_form,
            "unknown_rows": _unknown_rows(meeting, preview) if preview.unknown else [],
            "draft": report.state == OnlineReport.State.DRAFT,
        },
        status=400 if action else 200,
    )


def _chosen(data) -> dict[str, int]:
    return {
        key.removeprefix("choose-"): int(value)
        for key, value in data.items()
        if key.startswith("choose-") and value.isdigit()
    }


def _added(data) -> dict[str, UnknownChoice]:
    return {
        key.removeprefix("add-"): UnknownChoice(agency_id=int(value))
        for key, value in data.items()
        if key.startswith("add-") and value.isdigit()
    }


@meeting_organizer_required
@require_GET
def online_report_file(request, meeting, report_pk: int):
    """The report as it was uploaded: the evidence, for the meeting's organizers only."""
    report = _report(meeting, report_pk)
    if not report.file:
        raise Http404
    record_report_download(report=report, user=request.user)
    record_access(
        request=request,
        what=Access.ONLINE_REPORT_FILE,
        people=Invitation.objects.filter(online_attendances__reports=report),
        meeting=meeting,
    )
    response = FileResponse(report.file.open("rb"), as_attachment=True, filename=report.filename)
    response["Cache-Control"] = "private, no-store"
    return response
