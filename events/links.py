"""Opening an answer link from a request: every page reached by one counts wrong links."""

from core.links import open_secret_link

from . import services
from .models import Invitation


def invitation_for_link(request, secret: str) -> Invitation | None:
    """The invitation an answer link opens, or None (forged, mistyped or withdrawn); a wrong
    link is counted against the client address (see core.links)."""
    return open_secret_link(
        request, kind="answer", secret=secret, lookup=services.invitation_for_secret
    )
