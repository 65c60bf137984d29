"""Opening a progress link from a request: the one way the progress page finds its action, and
it counts wrong links like every secret link (see core.links)."""

from core.links import open_secret_link

from . import services
from .models import Action


def action_for_link(request, secret: str) -> Action | None:
    """The action a progress link opens, or None (forged, mistyped, or sent to someone no
    longer responsible)."""
    return open_secret_link(
        request, kind="progress", secret=secret, lookup=services.action_for_secret
    )
