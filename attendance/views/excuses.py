"""Izin: the organizers record why an invitee is excused from a session, or take it back."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from events.models import Invitation, Session
from events.permissions import meeting_organizer_required

from .. import services
from ..forms import ExcuseForm
from ..models import Excuse


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
            services.remove_excuse(excuse=existing, removed_by=request.user)
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
