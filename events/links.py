"""Opening an answer link from a request: every page reached by one counts forged links."""

from core.links import open_secret_link

from . import services
from .models import Invitation


def invitation_for_link(request, secret: str) -> Invitation | None:
    """The invitation an answer link opens, or None (forged, mistyped, or this address has
    missed too often)."""
    return open_secret_link(request, "answer", lambda: services.invitation_for_secret(secret))
