"""The organizers' page of a meeting's check-in operators: accounts they add, links for desk
staff without accounts (the secret shown once), revoking."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from attendance import services
from attendance.models import CheckInOperator, OperatorLink
from core.text import one_line
from events.permissions import meeting_organizer_required
from members.models import User


def _page(request, meeting, *, new_link_url: str = "", status: int = 200):
    return render(
        request,
        "attendance/operators.html",
        {
            "meeting": meeting,
            "operators": meeting.operators.select_related("user").order_by("added_at"),
            "links": meeting.operator_links.order_by("-created_at"),
            "new_link_url": new_link_url,
        },
        status=status,
    )


@require_GET
@meeting_organizer_required
def operators(request, meeting):
    return _page(request, meeting)


@require_POST
@meeting_organizer_required
def operator_add(request, meeting):
    email = request.POST.get("email", "").strip().lower()[:254]
    user = User.objects.filter(email__iexact=email).first() if email else None
    if user is None:
        messages.error(request, _("No account has that email address; send a link instead."))
        return redirect("attendance:operators", meeting.pk)
    services.add_operator(meeting=meeting, user=user)
    messages.success(request, _("%(user)s can now check people in.") % {"user": user})
    return redirect("attendance:operators", meeting.pk)


@require_POST
@meeting_organizer_required
def operator_remove(_request, meeting, operator_pk: int):
    operator = get_object_or_404(CheckInOperator, pk=operator_pk, meeting=meeting)
    services.remove_operator(operator=operator)
    return redirect("attendance:operators", meeting.pk)


@require_POST
@meeting_organizer_required
def link_create(request, meeting):
    label = one_line(request.POST.get("label", "")) or _("Registration desk")
    _link, secret = services.create_operator_link(
        meeting=meeting, label=label, created_by=request.user
    )
    url = request.build_absolute_uri(reverse("attendance:link_scanner", args=[secret]))
    response = _page(request, meeting, new_link_url=url)
    response["Cache-Control"] = "no-store, private"
    return response


@require_POST
@meeting_organizer_required
def link_revoke(request, meeting, link_pk: int):
    link = get_object_or_404(OperatorLink, pk=link_pk, meeting=meeting)
    services.revoke_operator_link(link=link)
    messages.success(
        request, _("The link %(label)s no longer opens the scanner.") % {"label": link.label}
    )
    return redirect("attendance:operators", meeting.pk)
