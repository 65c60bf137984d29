"""Opening a progress link from a request: the one way the progress page finds its action, and
it counts forged links like answer links do."""

from core.links import open_secret_link

from . import services
from .models import Action


def action_for_link(request, secret: str) -> Action | None:
    """The action a progress link opens, or None (forged, mistyped, sent to someone no longer
    responsible, or this address has missed too often)."""
    return open_secret_link(request, "progress", lambda: services.action_for_secret(secret))
