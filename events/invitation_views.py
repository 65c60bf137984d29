"""Organizer actions on one invitation of a meeting. Views parse, call a service, redirect."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from . import services
from .models import Invitation
from .permissions import meeting_organizer_required


@require_POST
@meeting_organizer_required
def withdraw_invitation(request, meeting, invitation_pk: int):
    """Withdraw one invitation (POST only: a GET, e.g. a mail scanner's, changes nothing); the
    person gets a calendar cancellation naming only them."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("member"), pk=invitation_pk, meeting=meeting
    )
    services.withdraw_invitation(invitation=invitation, withdrawn_by=request.user)
    messages.success(
        request,
        gettext("The invitation of %(name)s is withdrawn.") % {"name": invitation.member.full_name},
    )
    return redirect("events:meeting_invitations", pk=meeting.pk)
