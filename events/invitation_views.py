"""Organizer actions on one invitation of a meeting (withdrawing it, granting a representative
the role they stand in for). Views parse, call a service, redirect."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from . import services
from .models import Invitation, Representation
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


@require_POST
@meeting_organizer_required
def representation_grant(request, meeting, representation_pk: int):
    """Give a representative the role of the person they stand in for (POST only)."""
    representation = get_object_or_404(
        Representation.objects.select_related("representative__member"),
        pk=representation_pk,
        invitation__meeting=meeting,
    )
    try:
        services.grant_representative_role(representation=representation, granted_by=request.user)
    except services.RepresentationEnded as ended:
        messages.error(request, ended.message)
    else:
        messages.success(
            request,
            gettext("%(name)s now has the role %(role)s.")
            % {
                "name": representation.representative.member.full_name,
                "role": representation.get_role_display(),
            },
        )
    return redirect("events:meeting_detail", pk=meeting.pk)
