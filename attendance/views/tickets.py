"""The ticket as a picture: "save to phone" from the answer page."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.http import private
from events.links import invitation_for_link

from .. import services


@require_GET
def ticket_png(request, secret: str):
    """ "Save to phone": the ticket as a PNG, reachable only with the answer link."""
    # The answer page's lookup: a miss counts against the same per-address limit.
    invitation = invitation_for_link(request, secret)
    ticket = services.ticket_for(invitation=invitation) if invitation else None
    if ticket is None:
        return private(render(request, "events/link_invalid.html", status=404))
    response = HttpResponse(services.ticket_png(ticket=ticket), content_type="image/png")
    response["Content-Disposition"] = 'attachment; filename="tiket-rakor.png"'
    return private(response)
