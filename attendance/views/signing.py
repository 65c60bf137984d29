"""Signing at the desk: after a check-in, the attendee signs on the operator's screen."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from events.models import Meeting

from .. import services
from ..forms import signature_from
from ..models import CheckIn
from ..permissions import may_sign_late, scanner_operator_required


@require_http_methods(["GET", "HEAD", "POST"])
@scanner_operator_required
def sign(request, meeting: Meeting, checkin_pk: int):
    """After a check-in at the desk, the attendee signs on the operator's screen."""
    checkin = get_object_or_404(
        CheckIn.objects.select_related("invitation__member__agency", "session").defer("signature"),
        pk=checkin_pk,
        session__meeting=meeting,
    )
    # After the session's end plus the grace, or once its daftar hadir is closed, only an
    # organizer may add a signature, with the reason (attendance/services/signatures.py); the
    # page then asks for it.
    closed = services.signatures_closed(checkin.session)
    context = {
        "meeting": meeting,
        "checkin": checkin,
        "next": _safe_next(request),
        "closed": closed,
        "may_sign_late": closed and may_sign_late(request.user, meeting),
        "reason": request.POST.get("late_reason", "")[:300],
    }
    if request.method == "POST":
        try:
            png = signature_from(request)
            if png is None:
                raise services.SignatureInvalid(_("Please sign in the box first."))
            services.sign_check_in(
                checkin=checkin, signature=png, by=request.user, reason=context["reason"]
            )
        except (services.SignatureInvalid, services.LateSignatureRefused) as error:
            context["error"] = error.message
            return render(request, "attendance/sign.html", context, status=400)
        messages.success(
            request,
            _("Signature of %(name)s saved.") % {"name": checkin.invitation.member.full_name},
        )
        return redirect(context["next"] or reverse("attendance:scanner", args=[meeting.pk]))
    return render(request, "attendance/sign.html", context)


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""
