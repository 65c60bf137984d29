"""Attendance pages: the ticket picture, the venue screen and self check-in, signatures, the
live dashboard, the attendance table with its exports and excuses, walk-in review and the
daftar hadir PDFs. Views parse, call a service or a selector, and render."""

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from core.exports import ExportFormat, table_export_response
from core.http import client_ip, private
from events.links import invitation_for_link
from events.models import Invitation, Meeting, Session
from events.permissions import meeting_organizer_required

from . import selectors, services
from .filters import AttendanceFilter
from .models import CheckIn, Excuse, WalkIn
from .pdf import daftar_hadir_pdf
from .services import selfcheckin
from .services.records import REASON_MAX_LENGTH
from .tables import AttendanceTable

WALK_INS_PER_ADDRESS = 10  # walk-in registrations per client address and window
WALK_IN_WINDOW = 600
SIGNATURE_FIELD_MAX = selfcheckin.SIGNATURE_MAX_BYTES * 4 // 3 + 100


# --- The ticket as a picture ------------------------------------------------------------------


@require_GET
def ticket_png(request, secret: str):
    """ "Save to phone": the ticket as a PNG, reachable only with the answer link."""
    # The answer page's lookup: a miss counts against the same per-address limit.
    invitation = invitation_for_link(request, secret)
    ticket = services.ticket_for(invitation=invitation) if invitation else None
    if ticket is None:
        return private(render(request, "events/link_invalid.html", status=404))
    response = HttpResponse(services.ticket_png(ticket=ticket), content_type="image/png")
    response["Content-Disposition"] = 'attachment; filename="tiket-rakor.png"'
    return private(response)


# --- The venue screen -------------------------------------------------------------------------


def _chosen_session(meeting: Meeting, value) -> Session | None:
    sessions = list(meeting.sessions.all())
    for session in sessions:
        if str(session.pk) == str(value):
            session.meeting = meeting
            return session
    session = selfcheckin.current_session(meeting=meeting)
    if session is not None:
        session.meeting = meeting
    return session


@meeting_organizer_required
@require_GET
def venue(request, meeting):
    """Full screen, for a projector or tablet: the session's self check-in code."""
    session = _chosen_session(meeting, request.GET.get("session"))
    context = {"sessions": meeting.sessions.all(), **_venue_code(request, meeting, session)}
    return private(render(request, "attendance/venue.html", context))


@meeting_organizer_required
@require_GET
def venue_code(request, meeting):
    """The part of the venue screen that htmx reloads every few seconds."""
    session = _chosen_session(meeting, request.GET.get("session"))
    context = _venue_code(request, meeting, session)
    return private(render(request, "attendance/venue_code.html", context))


def _venue_code(request, meeting, session) -> dict:
    context = {"meeting": meeting, "session": session}
    if session is not None and selfcheckin.is_open(session):
        code = services.venue_code(session=session)
        url = request.build_absolute_uri(reverse("attendance:self_checkin", args=[code]))
        context.update(
            url=url,
            svg=services.qr_svg(url),
            seconds_left=selfcheckin.seconds_left(),
            present=CheckIn.objects.filter(session=session).count(),
        )
    return context


# --- Self check-in ----------------------------------------------------------------------------


class WalkInForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=200)
    nip = forms.RegexField(
        label=gettext_lazy("NIP"),
        regex=r"^[0-9]{18}$",
        required=False,
        error_messages={"invalid": gettext_lazy("A NIP has 18 digits.")},
    )
    agency_name = forms.CharField(label=gettext_lazy("Agency"), max_length=200)
    position = forms.CharField(label=gettext_lazy("Position"), max_length=200, required=False)
    phone = forms.CharField(label=gettext_lazy("Mobile number"), max_length=20, required=False)
    email = forms.EmailField(label=gettext_lazy("Email"))

    def clean_nip(self):
        return self.cleaned_data["nip"].replace(" ", "")


def _signature_from(request) -> bytes | None:
    """The signature of a form, if one was drawn; SignatureInvalid for anything else."""
    data_url = request.POST.get("signature", "")
    if not data_url:
        return None
    if len(data_url) > SIGNATURE_FIELD_MAX:
        raise services.SignatureInvalid
    return services.decode_signature(data_url)


@require_http_methods(["GET", "HEAD", "POST"])
def self_checkin(request, code: str):
    """`/hadir/<code>/`: opened from the venue screen's QR code with the phone's camera."""
    try:
        if request.method == "POST":
            session = services.session_for_pass(request.POST.get("pass", ""))
        else:
            session = services.session_for_code(code)
    except services.SelfCheckInError as error:
        status = 410 if isinstance(error, services.CodeExpired) else 404
        return private(
            render(request, "attendance/self_checkin_error.html", {"error": error}, status=status)
        )
    meeting = session.meeting
    invitation = services.invitation_for_visitor(request=request, meeting=meeting)
    context = {
        "meeting": meeting,
        "session": session,
        "pass": request.POST.get("pass") or services.issue_pass(session=session),
        "invitation": invitation,
        "form": WalkInForm(),
        "code": code,
    }
    if invitation is not None:
        context["checkin"] = (
            CheckIn.objects.filter(invitation=invitation, session=session)
            .defer("signature")
            .first()
        )
    if request.method != "POST":
        return private(render(request, "attendance/self_checkin.html", context))
    if request.POST.get("action") == "walk_in":
        return private(_walk_in(request, session, context))
    return private(_confirm(request, session, invitation, context))


def _confirm(request, session, invitation, context):
    if invitation is None:
        context["error"] = _("We could not tell who you are. Please register below.")
        return render(request, "attendance/self_checkin.html", context, status=400)
    try:
        signature = _signature_from(request)
        result = services.self_check_in(invitation=invitation, session=session, signature=signature)
    except services.SelfCheckInError as error:
        context["error"] = error.message
        return render(request, "attendance/self_checkin.html", context, status=400)
    context.update(checkin=result.checkin, created=result.created)
    return render(request, "attendance/self_checkin_done.html", context)


def _walk_in(request, session, context):
    form = WalkInForm(request.POST)
    context["form"] = form
    key = f"walk-in:{client_ip(request)}"
    if cache.get(key, 0) >= WALK_INS_PER_ADDRESS:
        context["error"] = _("Too many registrations from this device. Please see the desk.")
        return render(request, "attendance/self_checkin.html", context, status=429)
    if not form.is_valid():
        return render(request, "attendance/self_checkin.html", context, status=400)
    try:
        signature = _signature_from(request)
        walk_in = services.register_walk_in(
            session=session, signature=signature, **form.cleaned_data
        )
    except services.SelfCheckInError as error:
        context["error"] = error.message
        return render(request, "attendance/self_checkin.html", context, status=400)
    cache.add(key, 0, WALK_IN_WINDOW)
    cache.incr(key)
    context["walk_in"] = walk_in
    return render(request, "attendance/self_checkin_done.html", context)


# --- Signing at the desk ----------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def sign(request, pk: int, checkin_pk: int):
    """After a check-in at the desk, the attendee signs on the operator's screen."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    meeting = get_object_or_404(Meeting, pk=pk)
    if not selectors.can_operate_scanner(request.user, meeting):
        raise PermissionDenied
    checkin = get_object_or_404(
        CheckIn.objects.select_related("invitation__member__agency", "session").defer("signature"),
        pk=checkin_pk,
        session__meeting=meeting,
    )
    context = {"meeting": meeting, "checkin": checkin, "next": _safe_next(request)}
    if request.method == "POST":
        try:
            png = _signature_from(request)
            if png is None:
                raise services.SignatureInvalid(_("Please sign in the box first."))
        except services.SignatureInvalid as error:
            context["error"] = error.message
            return render(request, "attendance/sign.html", context, status=400)
        services.sign_check_in(checkin=checkin, signature=png)
        messages.success(
            request,
            _("Signature of %(name)s saved.") % {"name": checkin.invitation.member.full_name},
        )
        return redirect(context["next"] or reverse("attendance:scanner", args=[meeting.pk]))
    return render(request, "attendance/sign.html", context)


def _safe_next(request) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


# --- Dashboard --------------------------------------------------------------------------------


def _dashboard_context(request, meeting):
    session = _chosen_session(meeting, request.GET.get("session"))
    return {
        "meeting": meeting,
        "session": session,
        "counts": selectors.session_counts(meeting=meeting),
        "agencies": selectors.agency_counts(session=session) if session else [],
        "latest": selectors.latest_checkins(meeting=meeting),
        "walk_ins": selectors.pending_walk_ins(meeting=meeting),
        "zone": meeting.time_zone,
        "updated_at": timezone.now(),
    }


@meeting_organizer_required
@require_GET
def dashboard(request, meeting):
    return render(request, "attendance/dashboard.html", _dashboard_context(request, meeting))


@meeting_organizer_required
@require_GET
def dashboard_live(request, meeting):
    return render(request, "attendance/dashboard_live.html", _dashboard_context(request, meeting))


@meeting_organizer_required
@require_POST
def walk_in_decide(request, meeting, walk_in_pk: int):
    walk_in = get_object_or_404(WalkIn.objects.defer("signature"), pk=walk_in_pk, meeting=meeting)
    try:
        if request.POST.get("decision") == "accept":
            services.accept_walk_in(walk_in=walk_in, decided_by=request.user)
            messages.success(request, _("%(name)s is checked in.") % {"name": walk_in.full_name})
        elif request.POST.get("decision") == "reject":
            services.reject_walk_in(walk_in=walk_in, decided_by=request.user)
            messages.info(request, _("Walk-in of %(name)s rejected.") % {"name": walk_in.full_name})
        else:
            return HttpResponse(status=400)
    except services.WalkInDecided as error:
        messages.warning(request, error.message)
    return redirect("attendance:dashboard", pk=meeting.pk)


# --- The attendance table, its exports and excuses --------------------------------------------


def _table(request, meeting):
    session = _chosen_session(meeting, request.GET.get("session"))
    if session is None:
        raise Http404
    rows = selectors.attendance_for_session(session=session)
    data = request.GET.copy()
    data["session"] = session.pk
    attendance_filter = AttendanceFilter(data, queryset=rows, meeting=meeting)
    return session, attendance_filter, AttendanceTable(attendance_filter.qs, session=session)


@meeting_organizer_required
@require_GET
def attendance_table(request, meeting):
    session, attendance_filter, table = _table(request, meeting)
    export = request.GET.get("export")
    if export:
        file_format = ExportFormat.from_url(export)
        RequestConfig(request, paginate=False).configure(table)
        title = _("Attendance")
        filename = f"{slugify(meeting.title)[:50]}-{slugify(session.title)}-{slugify(title)}"
        return table_export_response(
            table=table, file_format=file_format, filename=filename, title=title
        )
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    query = request.GET.copy()
    query.pop("page", None)
    query["session"] = session.pk
    return render(
        request,
        "attendance/table.html",
        {
            "meeting": meeting,
            "session": session,
            "filter": attendance_filter,
            "table": table,
            "query": query.urlencode(),
        },
    )


class ExcuseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.TextInput(attrs={"class": "form-control", "autofocus": True}),
    )


@meeting_organizer_required
@require_http_methods(["GET", "HEAD", "POST"])
def excuse(request, meeting, session_pk: int, invitation_pk: int):
    """Izin: record why an invitee is excused from a session (or take it back)."""
    session = get_object_or_404(Session, pk=session_pk, meeting=meeting)
    invitation = get_object_or_404(
        Invitation.objects.select_related("member__agency"), pk=invitation_pk, meeting=meeting
    )
    existing = Excuse.objects.filter(invitation=invitation, session=session).first()
    form = ExcuseForm(request.POST or None, initial={"reason": existing.reason if existing else ""})
    back = f"{reverse('attendance:table', args=[meeting.pk])}?session={session.pk}"
    if request.method == "POST":
        if request.POST.get("remove") and existing:
            services.remove_excuse(excuse=existing)
            messages.info(request, _("Excuse removed."))
            return redirect(back)
        if form.is_valid():
            try:
                services.record_excuse(
                    invitation=invitation,
                    session=session,
                    reason=form.cleaned_data["reason"],
                    recorded_by=request.user,
                )
            except services.ExcuseInvalid as error:
                form.add_error("reason", error.message)
            else:
                messages.success(
                    request,
                    _("%(name)s is excused from %(session)s.")
                    % {"name": invitation.member.full_name, "session": session.title},
                )
                return redirect(back)
    context = {
        "meeting": meeting,
        "session": session,
        "invitation": invitation,
        "existing": existing,
        "form": form,
        "back": back,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "attendance/excuse.html", context, status=status)


# --- The daftar hadir -------------------------------------------------------------------------


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response


@meeting_organizer_required
@require_GET
def sheet_pdf(request, meeting, session_pk: int):
    session = get_object_or_404(Session, pk=session_pk, meeting=meeting)
    session.meeting = meeting
    filename = f"daftar-hadir-{slugify(meeting.title)[:50]}-{slugify(session.title)}"
    return _pdf_response(daftar_hadir_pdf(session=session), filename)


@meeting_organizer_required
@require_GET
def blank_sheet_pdf(request, meeting, session_pk: int):
    session = get_object_or_404(Session, pk=session_pk, meeting=meeting)
    session.meeting = meeting
    filename = f"daftar-hadir-kosong-{slugify(meeting.title)[:50]}-{slugify(session.title)}"
    return _pdf_response(daftar_hadir_pdf(session=session, blank=True), filename)
