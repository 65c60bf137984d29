"""Messages whose body retention deleted (personal_data.retention) cannot be sent again as
they were: the app that wrote them builds a new one, with new links, through the function it
registered here for the message's kind. The old links keep working (every email carries a
link of its own)."""

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from .models import OutboxMessage

Rebuilder = Callable[[OutboxMessage], list[OutboxMessage]]
_rebuilders: dict[str, Rebuilder] = {}


class CannotRebuild(Exception):
    message = _(
        "This message's body was deleted after its retention period and this kind of message "
        "cannot be built again: the person can ask for a new one."
    )


def register(kind: str, rebuilder: Rebuilder) -> None:
    _rebuilders[kind] = rebuilder


def rebuild(message: OutboxMessage) -> list[OutboxMessage]:
    """New messages in place of `message`, queued; CannotRebuild when its kind has no
    rebuilder or the rebuilder finds nothing to send (the invitation was withdrawn)."""
    rebuilder = _rebuilders.get(message.kind)
    rows = rebuilder(message) if rebuilder else []
    if not rows:
        raise CannotRebuild
    return rows
