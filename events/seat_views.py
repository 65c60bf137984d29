"""Taking a seat offered from the waiting list: a POST through the invitee's own answer link."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attendance import services as attendance_services
from core.http import private

from . import services
from .links import invitation_for_link


@require_POST
def take_seat(request, secret: str):
    invitation = invitation_for_link(request, secret)
    if invitation is None:
        return private(render(request, "events/link_invalid.html", status=404))
    try:
        taken = services.take_seat(invitation=invitation)
    except services.SeatOfferClosed as closed:
        messages.error(request, str(closed.message))
    else:
        # The "see you there" email with the ticket link, as for any acceptance.
        attendance_services.send_ticket_confirmation(invitation=taken)
        messages.success(request, _("The seat is yours: you are registered as attending."))
    return private(redirect("events:answer", secret=secret))
