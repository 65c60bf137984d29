"""Signing at the desk: after a check-in, the attendee signs on the operator's screen."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from events.models import Meeting

from . import selectors, services
from .forms import signature_from
from .models import CheckIn


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
            png = signature_from(request)
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
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""
