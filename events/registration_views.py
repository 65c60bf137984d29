"""Registration through the meeting's public page, and the organizer's pending list.

Public: /r/<code>/ shows the meeting and the form; a valid form sends a code by email and leads
to /r/<code>/confirm/, where the code is typed; /r/<code>/done/ says what came of it. The
registration being confirmed is remembered in the visitor's session, so nobody can confirm, or
even see, another visitor's registration. Organizers: the public link and the registrations
awaiting approval (loaded into the meeting page), with Approve / Reject (POST).
"""

from typing import Any

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from core.http import client_ip

from . import services
from .calendar import session_line
from .models import Meeting, Registration
from .permissions import meeting_organizer_required
from .registration_forms import CodeForm, RegistrationForm


def _meeting_or_404(code: str) -> Meeting:
    """The meeting of a public code; a draft is not public (404 like an unknown code)."""
    if not code or len(code) > 16:
        raise Http404
    return get_object_or_404(
        Meeting.objects.select_related("host_agency")
        .prefetch_related("sessions")
        .exclude(state=Meeting.State.DRAFT),
        public_code=code,
    )


def _session_key(meeting: Meeting) -> str:
    return f"rakor-registration:{meeting.pk}"


def _own_registration(request, meeting: Meeting) -> tuple[Registration | None, dict]:
    state = request.session.get(_session_key(meeting)) or {}
    registration_id = state.get("id")
    registration = (
        Registration.objects.filter(pk=registration_id, meeting=meeting).first()
        if registration_id
        else None
    )
    return registration, state


def _page(request, template: str, meeting: Meeting, status: int = 200, **context):
    context = {
        "meeting": meeting,
        "sessions": [(s, session_line(s, meeting.time_zone)) for s in meeting.sessions.all()],
        **context,
    }
    response = render(request, template, context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


def _closed_message(meeting: Meeting) -> str:
    if meeting.state == Meeting.State.CANCELLED:
        return _("This meeting was cancelled.")
    if meeting.state == Meeting.State.FINISHED:
        return _("This meeting has taken place.")
    return _("Registration for this meeting is closed.")


@require_http_methods(["GET", "POST"])
def register(request, code):
    meeting = _meeting_or_404(code)
    if not services.registration_is_open(meeting):
        status = 200 if request.method == "GET" else 400
        return _page(
            request, "events/register.html", meeting, status, closed=_closed_message(meeting)
        )
    form = RegistrationForm(request.POST or None, meeting=meeting)
    if request.method == "GET":
        return _page(request, "events/register.html", meeting, form=form)
    if not form.is_valid():
        return _page(request, "events/register.html", meeting, 400, form=form)
    try:
        registration = services.start_registration(
            meeting=meeting, ip_address=client_ip(request), **form.registration_data()
        )
    except services.RateLimited as limited:
        return _page(request, "events/register.html", meeting, 429, form=form, error=limited)
    except services.RegistrationClosed as closed:
        return _page(request, "events/register.html", meeting, 400, closed=closed.message)
    except services.RegistrationError as refused:
        return _page(request, "events/register.html", meeting, 400, form=form, error=refused)
    request.session[_session_key(meeting)] = {"id": registration.pk}
    return redirect("events:register_confirm", code=code)


@require_http_methods(["GET", "POST"])
def register_confirm(request, code):
    meeting = _meeting_or_404(code)
    registration, _state = _own_registration(request, meeting)
    if registration is None:
        return redirect("events:register", code=code)
    if registration.state != Registration.State.UNCONFIRMED:
        return redirect("events:register_done", code=code)
    form = CodeForm(request.POST if "code" in request.POST else None)
    context: dict[str, Any] = {"form": form, "registration": registration}
    if request.method == "GET":
        return _page(request, "events/register_confirm.html", meeting, **context)
    if "resend" in request.POST:
        try:
            services.resend_code(registration=registration, ip_address=client_ip(request))
        except services.RegistrationError as refused:
            status = 429 if isinstance(refused, services.RateLimited) else 400
            return _page(
                request, "events/register_confirm.html", meeting, status, error=refused, **context
            )
        messages.success(
            request, _("A new code was sent to %(email)s.") % {"email": registration.email}
        )
        return redirect("events:register_confirm", code=code)
    if not form.is_valid():
        return _page(request, "events/register_confirm.html", meeting, 400, **context)
    try:
        confirmation = services.confirm_registration(
            registration=registration, code=form.cleaned_data["code"]
        )
    except services.CodeInvalid as wrong:
        return _page(
            request,
            "events/register_confirm.html",
            meeting,
            400,
            error=wrong,
            attempts_left=wrong.attempts_left,
            **context,
        )
    except services.CodeExpired as expired:
        return _page(
            request,
            "events/register_confirm.html",
            meeting,
            400,
            error=expired,
            expired=True,
            **context,
        )
    except services.RegistrationClosed as closed:
        return _page(request, "events/register.html", meeting, 400, closed=closed.message)
    request.session[_session_key(meeting)] = {
        "id": registration.pk,
        "outcome": confirmation.outcome,
    }
    return redirect("events:register_done", code=code)


@require_http_methods(["GET"])
def register_done(request, code):
    meeting = _meeting_or_404(code)
    registration, state = _own_registration(request, meeting)
    if registration is None or registration.state == Registration.State.UNCONFIRMED:
        return redirect("events:register", code=code)
    return _page(
        request,
        "events/register_done.html",
        meeting,
        registration=registration,
        outcome=state.get("outcome") or services.outcome_of(registration),
        Outcome=services.Outcome,
    )


# --- Organizers ---------------------------------------------------------------------------------


@meeting_organizer_required
def meeting_registrations(request, meeting):
    """The public link and the registrations awaiting approval (a part of the meeting page)."""
    return render(
        request,
        "events/meeting_registrations.html",
        {
            "meeting": meeting,
            "registrations_loaded": True,
            "public_url": services.public_url(meeting),
            "pending": list(services.pending_registrations(meeting=meeting)),
        },
    )


def _decision(service, done_message):
    @require_POST
    @meeting_organizer_required
    def view(request, meeting, registration_pk):
        registration = get_object_or_404(Registration, pk=registration_pk, meeting=meeting)
        try:
            service(registration=registration, decided_by=request.user)
        except services.RegistrationError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _(done_message) % {"name": registration.full_name})
        return redirect("events:meeting_detail", pk=meeting.pk)

    return view


registration_approve = _decision(
    services.approve_registration,
    gettext_noop("%(name)s is invited; the invitation is being sent."),
)
registration_reject = _decision(
    services.reject_registration, gettext_noop("%(name)s was not accepted.")
)
