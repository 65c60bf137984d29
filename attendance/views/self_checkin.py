"""Self check-in: `/hadir/<code>/`, opened from the venue screen's QR code with the phone's
camera. An invitee checks in with one tap (and may sign); anyone else registers as a walk-in."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.counters import Limit
from core.http import client_ip, private
from core.links import open_secret_link

from .. import services, visitors
from ..forms import WalkInForm, signature_from
from ..models import CheckIn

# Walk-in registrations in ten minutes per phone (the page's pass, which each opening of the
# venue code gives anew), and per client address: the phones at a venue share its Wi-Fi's or
# their carrier's address, so that limit only stops a flood.
WALK_INS = Limit("walk-in", allowed=10, window=600)
WALK_INS_PER_ADDRESS = Limit("walk-in-address", allowed=200, window=600)


@require_http_methods(["GET", "HEAD", "POST"])
def self_checkin(request, code: str):
    """`/hadir/<code>/`: opened from the venue screen's QR code with the phone's camera."""
    try:
        session = _session(request, code)
    except services.SelfCheckInError as error:
        status = 410 if isinstance(error, services.CodeExpired) else 404
        return private(
            render(request, "attendance/self_checkin_error.html", {"error": error}, status=status)
        )
    meeting = session.meeting
    invitation = visitors.invitation_for_visitor(request, meeting)
    context = {
        "meeting": meeting,
        "session": session,
        "pass": request.POST.get("pass") or services.issue_pass(session=session),
        "invitation": invitation,
        "form": WalkInForm(meeting=meeting),
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


def _session(request, code: str):
    """The session of the venue code in the address (GET) or of the pass the page got for it
    (POST), looked up like every secret link; CodeInvalid or CodeExpired else. An expired code
    was genuine once: only a forged one counts as a wrong link."""
    find = services.session_for_pass if request.method == "POST" else services.session_for_code
    secret = request.POST.get("pass", "") if request.method == "POST" else code

    def lookup(value: str):
        try:
            return find(value)
        except services.CodeInvalid:
            return None

    session = open_secret_link(request, kind="venue", secret=secret, lookup=lookup)
    if session is None:
        raise services.CodeInvalid
    return session


def _confirm(request, session, invitation, context):
    if invitation is None:
        context["error"] = _("We could not tell who you are. Please register below.")
        return render(request, "attendance/self_checkin.html", context, status=400)
    try:
        signature = signature_from(request)
        result = services.self_check_in(invitation=invitation, session=session, signature=signature)
    except services.SelfCheckInError as error:
        context["error"] = error.message
        return render(request, "attendance/self_checkin.html", context, status=400)
    context.update(checkin=result.checkin, created=result.created)
    return render(request, "attendance/self_checkin_done.html", context)


def _walk_in(request, session, context):
    form = WalkInForm(request.POST, meeting=context["meeting"])
    context["form"] = form
    address = client_ip(request)
    phone = f"{address}:{request.POST.get('pass', '')}"
    if WALK_INS.reached(phone) or WALK_INS_PER_ADDRESS.reached(address):
        context["error"] = _("Too many registrations from this device. Please see the desk.")
        return render(request, "attendance/self_checkin.html", context, status=429)
    if not form.is_valid():
        return render(request, "attendance/self_checkin.html", context, status=400)
    try:
        signature = signature_from(request)
        walk_in = services.register_walk_in(
            session=session, signature=signature, **form.cleaned_data
        )
    except services.SelfCheckInError as error:
        context["error"] = error.message
        return render(request, "attendance/self_checkin.html", context, status=400)
    WALK_INS.count(phone)
    WALK_INS_PER_ADDRESS.count(address)
    context["walk_in"] = walk_in
    return render(request, "attendance/self_checkin_done.html", context)
