"""A signed-in member's way to their own answer page, from the home page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from . import services
from .models import Invitation


@require_POST
@login_required
def my_answer(request, invitation_pk: int):
    """Open the answer page of one's own invitation: a new answer link, as every email carries
    one of its own (a POST: it writes the link). Anyone else's invitation is a 404."""
    invitation = (
        Invitation.objects.filter(
            pk=invitation_pk, member__user=request.user, withdrawn_at__isnull=True
        )
        .select_related("meeting")
        .first()
    )
    if invitation is None:
        raise Http404
    secret = services.issue_answer_link(invitation=invitation)
    return redirect("events:answer", secret=secret)
