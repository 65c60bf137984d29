"""Who may see what of the outbox: one named predicate per rule, and the decorator for the page
that shows a message's body. Every page of the outbox is for organizers and staff
(members.permissions.organizer_required); which rows an organizer sees is outbox/selectors.py's
visible_messages, by these rules."""

from functools import wraps

from django.core.exceptions import PermissionDenied


def sees_every_message(user) -> bool:
    """Staff see every message; an organizer only those about the meetings they organize."""
    return user.is_staff or user.is_superuser


def can_read_messages(user) -> bool:
    """Bodies hold other people's sign-in codes, answer links and tickets: staff only."""
    return user.is_staff


def message_reader_required(view):
    """403 for a user who may not read messages' bodies. Put under organizer_required."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_read_messages(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
